using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StreamLabel.Reliability.Tests.Cluster;
using StreamLabel.Reliability.Tests.Support;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Testing;
using Xunit.Abstractions;

namespace StreamLabel.Reliability.Tests;

[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 3000;
    private const string DuplicateId = "duplicate-id-1";
    private const string HealthyKey = ClusterFixture.SoloKeyPrefix + "bad-input", TwinKey = ClusterFixture.SoloKeyPrefix + "twin";

    /// <summary>
    /// The bad-input corpus is produced into the middle of a healthy replay (the first 3000 Elec2 rows, clean labels, one
    /// model key);
    /// a twin key gets the same rows without bad input. Every bad record lands in the dead-letter topic with its original
    /// bytes and the expected reason, no silo restarts, the healthy key learns exactly its valid events, and its
    /// prequential accuracy matches the twin's.
    ///
    /// Duplicate ids are not an error in the event format ("id" is optional and informational; exactly-once is by Kafka
    /// offset): two valid records with the same id are two events, both learned, neither dead-lettered.
    /// </summary>
    [Fact]
    public async Task Every_bad_record_is_dead_lettered_with_its_reason_and_healthy_keys_are_unaffected()
    {
        fixture.EnsureAllSilosRunning();
        var results = new ReliabilityResults(output, "bad input");
        var cluster = fixture.Cluster;
        var pids = LocalCluster.Silos.Select(cluster.Pid).ToArray();
        var corpus = BadInputCorpus.For(HealthyKey, ClusterFixture.MaxRecordBytes);

        await Elec2Scenario.ProduceSingleKeyAsync(cluster.Bootstrap, ClusterFixture.Topic, TwinKey, Rows);
        await Elec2Scenario.ProduceSingleKeyAsync(cluster.Bootstrap, ClusterFixture.Topic, HealthyKey, Rows / 2);
        var sent = await ProduceRawAsync(cluster.Bootstrap, corpus.Select(b => (b.Key, b.Value)));
        var duplicates = await ProduceRawAsync(cluster.Bootstrap, Enumerable.Repeat(0, 2).Select(_ =>
            ((byte[]?)Encoding.UTF8.GetBytes(HealthyKey), EventWriter.Write([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f], "UP", DuplicateId))));
        // The second half: the healthy key sees exactly the twin's rows, in order, with the bad records in between.
        await Elec2Scenario.ProduceSingleKeyAsync(cluster.Bootstrap, ClusterFixture.Topic, HealthyKey, Rows, from: Rows / 2);

        string[] keys = [HealthyKey, TwinKey];
        long expectedHealthy = Rows + duplicates.Count;
        await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(keys) >= expectedHealthy + Rows, TimeSpan.FromSeconds(120),
            async () => $"learned {await fixture.TotalSeenAsync(keys)} of {expectedHealthy + Rows}");
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Every bad record is in the dead-letter topic, found by its source partition and offset.
        var letters = ReadDeadLetters(cluster.Bootstrap, sent.Select(s => (s.Partition.Value, s.Offset.Value)).ToHashSet(), TimeSpan.FromSeconds(60));
        for (int i = 0; i < corpus.Count; i++)
        {
            var source = (sent[i].Partition.Value, sent[i].Offset.Value);
            Assert.True(letters.TryGetValue(source, out var letter), $"'{corpus[i].Name}' ({source}) is not in the dead-letter topic");
            results.Note($"{corpus[i].Name,-34} -> {Header(letter, EventHeaders.DeadLetterReason)} ({Header(letter, EventHeaders.DeadLetterDetail)})");
            Assert.Equal(corpus[i].Reason, Header(letter, EventHeaders.DeadLetterReason));
            Assert.Equal(corpus[i].Value, letter.Message.Value ?? []);
        }
        foreach (var d in duplicates)
            Assert.False(letters.ContainsKey((d.Partition.Value, d.Offset.Value)), "a duplicate-id record was dead-lettered");

        var metrics = await fixture.MetricsAsync(keys);
        var healthy = metrics[0] ?? throw new InvalidOperationException($"student {HealthyKey} did not answer");
        var twin = metrics[1] ?? throw new InvalidOperationException($"student {TwinKey} did not answer");
        results.Figure("bad records produced", corpus.Count);
        results.Figure("bad records dead-lettered (with the expected reason)", sent.Count(s => letters.ContainsKey((s.Partition.Value, s.Offset.Value))));
        results.Figure("reasons covered", string.Join(", ", corpus.Select(c => c.Reason).Distinct()));
        results.Figure("duplicate-id records produced / learned / dead-lettered", $"{duplicates.Count} / {healthy.EventsSeen - Rows} / 0");
        results.Figure("healthy events produced / learned", $"{expectedHealthy} / {healthy.EventsSeen}");
        results.Figure("healthy key's accuracy with bad input / twin without", $"{healthy.Accuracy:0.###} / {twin.Accuracy:0.###}");
        Assert.Equal(expectedHealthy, healthy.EventsSeen);
        Assert.Equal(Rows, twin.EventsSeen);
        Assert.True(Math.Abs(healthy.Accuracy - twin.Accuracy) <= 0.05, $"accuracy {healthy.Accuracy:0.###} with bad input vs {twin.Accuracy:0.###} without");
        Assert.True(healthy.Accuracy > 0.6, $"healthy key's accuracy {healthy.Accuracy:0.###}");
        Assert.Equal(pids, LocalCluster.Silos.Select(cluster.Pid).ToArray()); // no silo crashed or restarted
    }

    private static async Task<List<DeliveryResult<byte[]?, byte[]>>> ProduceRawAsync(string bootstrap, IEnumerable<(byte[]? Key, byte[] Value)> records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All }).Build();
        var sent = new List<DeliveryResult<byte[]?, byte[]>>();
        foreach (var (key, value) in records)
            sent.Add(await producer.ProduceAsync(ClusterFixture.Topic, new Message<byte[]?, byte[]> { Key = key, Value = value }));
        return sent;
    }

    /// <summary>Dead letters of the events topic, by source (partition, offset), until every wanted source is found.</summary>
    internal static Dictionary<(int, long), ConsumeResult<byte[], byte[]>> ReadDeadLetters(string bootstrap, HashSet<(int, long)> wanted, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "reliability-dlq-" + Guid.NewGuid().ToString("N"), EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, ClusterFixture.Partitions).Select(p => new TopicPartitionOffset(ClusterFixture.DeadLetterTopic, p, Offset.Beginning)));
        var found = new Dictionary<(int, long), ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !wanted.All(found.ContainsKey))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { IsPartitionEOF: false } r) continue;
            if (Header(r, EventHeaders.DeadLetterTopic) != ClusterFixture.Topic) continue;
            var source = (int.Parse(Header(r, EventHeaders.DeadLetterPartition)!, CultureInfo.InvariantCulture),
                long.Parse(Header(r, EventHeaders.DeadLetterOffset)!, CultureInfo.InvariantCulture));
            found[source] = r;
        }
        return found;
    }

    internal static string? Header(ConsumeResult<byte[], byte[]> r, string name) =>
        r.Message.Headers is { } h && h.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
