using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.ExactlyOnce;
using StreamLabel.Streaming.Kafka.Tests.Grains;
using StreamLabel.Testing;

namespace StreamLabel.Streaming.Kafka.Tests.Provider;

/// <summary>What a partition keeps in memory for undurable events is bounded by bytes as well as by events, and a key's
/// redelivered backlog travels in containers no larger than a read's.</summary>
public sealed class InFlightBoundsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Reading_pauses_at_the_in_flight_byte_limit_long_before_the_event_limit()
    {
        const string topic = "bytes", key = "bytes-1";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [topic, "dlq"] });
        var behavior = new ConsumerBehavior { Hold = true };
        await using var cluster = await StartAsync(broker, topic, behavior, o => o.MaxInFlightBytesPerQueue = 20_000);
        var values = Enumerable.Range(0, 300).Select(i => EventWriter.Write(Enumerable.Repeat(0.123456f, 100).ToArray(), "a", $"{key}:{i}")).ToList();
        long footprint = PartitionWatermark.Footprint(new StreamEvent(topic, 0, 0, -1, key, null, new float[100], null, null, null, values[0]));
        Produce(broker, topic, key, values);

        var grain = cluster.Client.GetGrain<ITestConsumerGrain>(key);
        await Eventually.HoldsAsync(async () => (await grain.GetSnapshotAsync()).Applied > 0, Patience, () => Task.FromResult("nothing applied"));
        // Nothing is durable: reading stops at the first event that reaches 20,000 bytes, far below the event limit (20,000).
        int limit = (int)(20_000 / footprint) + 1;
        await Task.Delay(1000);
        int held = (await grain.GetSnapshotAsync()).Applied;
        Assert.InRange(held, limit - 1, limit);
        for (int i = 0; i < 4; i++)
        {
            await Task.Delay(250);
            Assert.Equal(held, (await grain.GetSnapshotAsync()).Applied);
        }

        behavior.Hold = false;
        await Eventually.HoldsAsync(async () => (await grain.GetSnapshotAsync()).Applied == values.Count, Patience,
            async () => $"applied {(await grain.GetSnapshotAsync()).Applied} of {values.Count}");
        Assert.Equal(0, (await grain.GetSnapshotAsync()).OutOfOrder);
    }

    [Fact]
    public async Task A_keys_redelivered_backlog_comes_in_containers_of_at_most_MaxBatchRecords_events()
    {
        const string topic = "chunks", key = "chunks-1";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [topic, "dlq"] });
        // Held consumers never persist, so after RedeliverAfter the whole backlog (200 events) is delivered again.
        var behavior = new ConsumerBehavior { Hold = true };
        await using var cluster = await StartAsync(broker, topic, behavior, o =>
        {
            o.MaxBatchRecords = 10;
            o.RedeliverAfter = TimeSpan.FromSeconds(1);
        });
        Produce(broker, topic, key, Enumerable.Range(0, 200).Select(i => EventWriter.Write([i], "a", $"{key}:{i}")).ToList());

        var grain = cluster.Client.GetGrain<ITestConsumerGrain>(key);
        await Eventually.HoldsAsync(async () => await grain.GetSnapshotAsync() is { Applied: 200, Duplicates: >= 200 }, Patience,
            async () => $"{await grain.GetSnapshotAsync()}");
        var snapshot = await grain.GetSnapshotAsync();
        Assert.InRange(snapshot.LargestDelivery, 1, 10);
        Assert.Equal(0, snapshot.OutOfOrder);
    }

    private static void Produce(EmbeddedKafkaBroker broker, string topic, string key, List<byte[]> values)
    {
        using var producer = KafkaTestData.Producer(broker.BootstrapServers);
        foreach (var value in values) KafkaTestData.Produce(producer, topic, Encoding.UTF8.GetBytes(key), value);
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static Task<InProcessTestCluster> StartAsync(EmbeddedKafkaBroker broker, string topic, ConsumerBehavior behavior, Action<KafkaStreamOptions> configure) =>
        KafkaTestCluster.StartAsync(1, broker, redis: null, o =>
        {
            o.Topics = [topic];
            o.ConsumerGroup = "g-" + topic;
            o.DeadLetterTopic = "dlq";
            o.DurabilityPollInterval = TimeSpan.FromMilliseconds(300);
            configure(o);
        }, silo => silo.Services.AddSingleton(behavior));
}
