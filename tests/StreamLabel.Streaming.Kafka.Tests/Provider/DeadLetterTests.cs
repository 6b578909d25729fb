using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.Tests.Grains;
using StreamLabel.Testing;

namespace StreamLabel.Streaming.Kafka.Tests.Provider;

/// <summary>Bad records go to the dead-letter topic with their reason; they never stop the partition.</summary>
public sealed class DeadLetterTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>(key, value, expected reason). Keys starting with "fixed-" must have 3 features (configured below).</summary>
    private static readonly (byte[]? Key, byte[]? Value, string Reason)[] BadRecords =
    [
        (U("dl-good"), U("{\"features\":[1,2"), DeadLetterReasons.MalformedJson),
        (U("dl-good"), U("[1,2,3]"), DeadLetterReasons.MalformedJson),
        (U("dl-good"), U("{\"features\":[1,\"x\"],\"label\":\"a\"}"), DeadLetterReasons.MalformedJson),
        (U("dl-good"), [.. U("{\"features\":[1],\"label\":\"caf"), 0xC3], DeadLetterReasons.InvalidUtf8),
        (U("dl-good"), U("{\"label\":\"a\"}"), DeadLetterReasons.MissingFeatures),
        (U("fixed-1"), U("{\"features\":[1,2],\"label\":\"a\"}"), DeadLetterReasons.MissingFeatures),
        (U("fixed-1"), U("{\"features\":[1,2,3,4],\"label\":\"a\"}"), DeadLetterReasons.ExtraFeatures),
        (U("dl-good"), U("{\"features\":[1,NaN],\"label\":\"a\"}"), DeadLetterReasons.NonFiniteFeature),
        (U("dl-good"), U("{\"features\":[1,\"Infinity\"],\"label\":\"a\"}"), DeadLetterReasons.NonFiniteFeature),
        (U("dl-good"), U("{\"features\":[1,1e39],\"label\":\"a\"}"), DeadLetterReasons.NonFiniteFeature),
        (U("dl-good"), U("{\"features\":[1],\"label\":true}"), DeadLetterReasons.InvalidField),
        (U("dl-good"), U("{\"features\":[" + string.Join(",", Enumerable.Repeat("0.125", 400)) + "]}"), DeadLetterReasons.OversizedRecord),
        (U("dl-good"), [], DeadLetterReasons.EmptyValue),
        (null, U("{\"features\":[1],\"label\":\"a\"}"), DeadLetterReasons.EmptyKey),
        (U(new string('k', 257)), U("{\"features\":[1],\"label\":\"a\"}"), DeadLetterReasons.OversizedKey),
        ([0x6B, 0xFF], U("{\"features\":[1],\"label\":\"a\"}"), DeadLetterReasons.InvalidKey),
        // Lone UTF-16 surrogate escapes (JSON.stringify writes them): valid JSON, but no valid .NET string.
        (U("dl-good"), U("{\"features\":[1],\"label\":\"a\",\"id\":\"\\udc00\"}"), DeadLetterReasons.InvalidString),
        (U("dl-good"), U("{\"features\":[1],\"label\":\"\\udc00\"}"), DeadLetterReasons.InvalidString),
    ];

    [Fact]
    public async Task Every_bad_input_kind_lands_in_the_dead_letter_topic_with_its_reason_and_good_events_still_flow()
    {
        const string topic = "mixed", dlq = "mixed-dlq";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [topic, dlq] });
        await using var cluster = await KafkaTestCluster.StartAsync(1, broker, redis: null, o =>
        {
            o.Topics = [topic];
            o.ConsumerGroup = "g-mixed";
            o.DeadLetterTopic = dlq;
            o.MaxRecordBytes = 1024;
            o.ExpectedFeatureCountByKeyPrefix = new() { ["fixed-"] = 3 };
            o.DurabilityPollInterval = TimeSpan.FromMilliseconds(300);
        }, silo => silo.Services.AddSingleton(new ConsumerBehavior()));

        // Good and bad records interleaved on one partition: the good ones must all arrive, in order.
        using (var producer = KafkaTestData.Producer(broker.BootstrapServers))
        {
            for (int i = 0; i < BadRecords.Length; i++)
            {
                KafkaTestData.Produce(producer, topic, U("dl-good"), EventWriter.Write([i, 1, 2], "a", $"dl-good:{2 * i}"));
                KafkaTestData.Produce(producer, topic, BadRecords[i].Key, BadRecords[i].Value);
                KafkaTestData.Produce(producer, topic, U("fixed-1"), EventWriter.Write([i, 1, 2], "b", $"fixed-1:{i}"));
                KafkaTestData.Produce(producer, topic, U("dl-good"), U($"{{\"features\":[{i}],\"label\":{i},\"id\":\"dl-good:{2 * i + 1}\",\"ts\":\"2026-01-01T00:00:00Z\"}}"));
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var letters = KafkaTestData.ReadAll(broker.BootstrapServers, dlq, BadRecords.Length, TimeSpan.FromSeconds(60));
        Assert.Equal(BadRecords.Length, letters.Count);
        for (int i = 0; i < BadRecords.Length; i++)
        {
            var letter = letters.Single(l => KafkaTestData.Header(l, EventHeaders.DeadLetterOffset) == (4 * i + 1).ToString());
            Assert.Equal(BadRecords[i].Reason, KafkaTestData.Header(letter, EventHeaders.DeadLetterReason));
            Assert.Equal(topic, KafkaTestData.Header(letter, EventHeaders.DeadLetterTopic));
            Assert.Equal("0", KafkaTestData.Header(letter, EventHeaders.DeadLetterPartition));
            Assert.Equal(BadRecords[i].Value ?? [], letter.Message.Value ?? []);
            Assert.Equal(BadRecords[i].Key ?? [], letter.Message.Key ?? []);
        }

        var counts = cluster.Silos[0].ServiceProvider.GetRequiredService<IDeadLetterWriter>().CountsByReason;
        foreach (var group in BadRecords.GroupBy(b => b.Reason))
            Assert.Equal(group.Count(), counts.GetValueOrDefault(group.Key));

        var good = cluster.Client.GetGrain<ITestConsumerGrain>("dl-good");
        var fixedKey = cluster.Client.GetGrain<ITestConsumerGrain>("fixed-1");
        await Eventually.HoldsAsync(async () => (await good.GetSnapshotAsync()).Applied == 2 * BadRecords.Length && (await fixedKey.GetSnapshotAsync()).Applied == BadRecords.Length,
            TimeSpan.FromSeconds(60), async () => $"dl-good {(await good.GetSnapshotAsync()).Applied}, fixed-1 {(await fixedKey.GetSnapshotAsync()).Applied}");
        Assert.Equal(0, (await good.GetSnapshotAsync()).OutOfOrder);
        // Dead letters count as handled: the committed offset reaches the end of the partition.
        await Eventually.HoldsAsync(() => Task.FromResult(KafkaTestData.Progress(broker.BootstrapServers, topic, 1, "g-mixed").Single() is var p && p.Committed == p.End),
            TimeSpan.FromSeconds(60), () => Task.FromResult(KafkaTestData.Progress(broker.BootstrapServers, topic, 1, "g-mixed").Single().ToString()));
    }

    [Fact]
    public async Task A_grain_can_dead_letter_an_event_it_rejects_with_the_original_bytes()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = ["in", "grain-dlq"] });
        var options = new KafkaStreamOptions { BootstrapServers = broker.BootstrapServers, DeadLetterTopic = "grain-dlq" };
        using var output = new KafkaOutputProducer(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<KafkaOutputProducer>.Instance);
        var writer = new DeadLetterProducer(options, output);
        var value = EventWriter.Write([1f, 2f], "zebra", "e-1");
        var rejected = new StreamEvent("in", 0, 41, -1, "model-7", "e-1", [1f, 2f], "zebra", null, null, value);

        await writer.WriteAsync(rejected, DeadLetterReasons.UnknownLabel, "label 'zebra' is not in [cat, dog]");

        var letter = Assert.Single(KafkaTestData.ReadAll(broker.BootstrapServers, "grain-dlq", 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(value, letter.Message.Value);
        Assert.Equal("model-7", Encoding.UTF8.GetString(letter.Message.Key));
        Assert.Equal(DeadLetterReasons.UnknownLabel, KafkaTestData.Header(letter, EventHeaders.DeadLetterReason));
        Assert.Equal("41", KafkaTestData.Header(letter, EventHeaders.DeadLetterOffset));
        Assert.Equal("label 'zebra' is not in [cat, dog]", KafkaTestData.Header(letter, EventHeaders.DeadLetterDetail));
        Assert.Equal(1, writer.CountsByReason[DeadLetterReasons.UnknownLabel]);
    }
}
