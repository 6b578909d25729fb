using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Tests.Grains;
using StreamLabel.Testing;

namespace StreamLabel.Streaming.Kafka.Tests.Provider;

/// <summary>Multi-silo clusters reading the embedded broker; consumers persist to a real redis-server.</summary>
public sealed class ExactlyOnceTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_event_is_applied_exactly_once_per_key_in_order_and_offsets_are_committed()
    {
        const string topic = "exact";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 4, Topics = [topic, "dlq"] });
        var keys = Keys("exact", 16);
        await using var cluster = await StartAsync(2, broker, topic, new ConsumerBehavior());

        var produced = KafkaTestData.ProduceSequences(broker.BootstrapServers, topic, keys, 4000);

        await WaitForAllAppliedAsync(cluster, produced);
        await AssertExactlyOnceInOrderAsync(cluster, produced);
        // Everything is durable, so each partition's committed offset reaches its end.
        await Eventually.HoldsAsync(
            () => Task.FromResult(KafkaTestData.Progress(broker.BootstrapServers, topic, 4, "g-" + topic).All(p => p.Committed == p.End)),
            Patience, () => Task.FromResult(Describe(KafkaTestData.Progress(broker.BootstrapServers, topic, 4, "g-" + topic))));
    }

    [Fact]
    public async Task A_partition_that_never_received_an_event_gets_a_committed_offset_at_its_end()
    {
        // Without one the group has no offset there: lag tools and autoscalers count the partition as unknown or behind.
        const string topic = "empty";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 3, Topics = [topic, "dlq"] });
        await using var cluster = await StartAsync(1, broker, topic, new ConsumerBehavior());

        await Eventually.HoldsAsync(
            () => Task.FromResult(KafkaTestData.Progress(broker.BootstrapServers, topic, 3, "g-" + topic).All(p => p.Committed == 0 && p.End == 0)),
            Patience, () => Task.FromResult(Describe(KafkaTestData.Progress(broker.BootstrapServers, topic, 3, "g-" + topic))));

        // Events that come later are still read from the start and committed past.
        var keys = Keys(topic, 6);
        var produced = KafkaTestData.ProduceSequences(broker.BootstrapServers, topic, keys, 300);
        await WaitForAllAppliedAsync(cluster, produced);
        await AssertExactlyOnceInOrderAsync(cluster, produced);
        await Eventually.HoldsAsync(
            () => Task.FromResult(KafkaTestData.Progress(broker.BootstrapServers, topic, 3, "g-" + topic).All(p => p.Committed == p.End)),
            Patience, () => Task.FromResult(Describe(KafkaTestData.Progress(broker.BootstrapServers, topic, 3, "g-" + topic))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_silo_that_stops_hands_its_partitions_over_and_nothing_is_lost_or_applied_twice(bool crash)
    {
        string topic = crash ? "crash" : "moves";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 6, Topics = [topic, "dlq"] });
        var keys = Keys(topic, 24);
        // Consumers persist on a timer only: a crashed silo takes applied-but-unpersisted events with it, which the
        // readers must deliver again (gap detection) without applying anything twice. (A graceful stop migrates them.)
        await using var cluster = await StartAsync(3, broker, topic, new ConsumerBehavior { PersistEveryBatch = false, PersistInterval = TimeSpan.FromSeconds(1) });

        var produced = KafkaTestData.ProduceSequences(broker.BootstrapServers, topic, keys, 3000);
        await Eventually.HoldsAsync(async () => (await TotalAppliedAsync(cluster, keys)) > 1500, Patience,
            async () => $"applied {await TotalAppliedAsync(cluster, keys)} of 3000 before the stop");

        var victim = cluster.Silos.Last();
        var producing = Task.Run(() => KafkaTestData.ProduceSequences(broker.BootstrapServers, topic, keys, 3000, produced));
        if (crash) await cluster.KillSiloAsync(victim);
        else await cluster.StopSiloAsync(victim);
        produced = await producing;

        await WaitForAllAppliedAsync(cluster, produced);
        await AssertExactlyOnceInOrderAsync(cluster, produced);
    }

    [Fact]
    public async Task Reading_resumes_after_the_broker_was_down_and_nothing_is_lost()
    {
        const string topic = "outage";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [topic, "dlq"] });
        var keys = Keys("outage", 6);
        await using var cluster = await StartAsync(2, broker, topic, new ConsumerBehavior());

        var produced = KafkaTestData.ProduceSequences(broker.BootstrapServers, topic, keys, 600);
        await WaitForAllAppliedAsync(cluster, produced);

        broker.SetBrokerDown(1);
        await Task.Delay(TimeSpan.FromSeconds(4)); // readers and commits fail meanwhile
        broker.SetBrokerUp(1);
        // Then fetches and commits fail with retriable errors for a while (Fetch = API 1, OffsetCommit = API 8).
        broker.PushRequestErrors(1, 6, 6, 6, 7, 7);      // NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT
        broker.PushRequestErrors(8, 15, 15, 16);         // COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR
        produced = KafkaTestData.ProduceSequences(broker.BootstrapServers, topic, keys, 600, produced);

        await WaitForAllAppliedAsync(cluster, produced);
        await AssertExactlyOnceInOrderAsync(cluster, produced);
        await Eventually.HoldsAsync(
            () => Task.FromResult(KafkaTestData.Progress(broker.BootstrapServers, topic, 2, "g-" + topic).All(p => p.Committed == p.End)),
            Patience, () => Task.FromResult(Describe(KafkaTestData.Progress(broker.BootstrapServers, topic, 2, "g-" + topic))));
    }

    [Fact]
    public async Task Backpressure_pauses_a_partition_at_the_in_flight_limit_and_resumes_when_events_become_durable()
    {
        const string topic = "pressure";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [topic, "dlq"] });
        var behavior = new ConsumerBehavior { Hold = true };
        await using var cluster = await StartAsync(1, broker, topic, behavior, o => o.MaxInFlightEventsPerQueue = 50);
        var keys = Keys("pressure", 2);

        var produced = KafkaTestData.ProduceSequences(broker.BootstrapServers, topic, keys, 1000);
        await Eventually.HoldsAsync(async () => await TotalAppliedAsync(cluster, keys) >= 50, Patience,
            async () => $"applied {await TotalAppliedAsync(cluster, keys)}");
        // Nothing is durable, so the reader must stop at 50 events in flight.
        for (int i = 0; i < 8; i++)
        {
            await Task.Delay(250);
            Assert.Equal(50, await TotalAppliedAsync(cluster, keys));
        }

        behavior.Hold = false;
        await WaitForAllAppliedAsync(cluster, produced);
        await AssertExactlyOnceInOrderAsync(cluster, produced);
    }

    [Fact]
    public async Task Events_whose_delivery_the_pulling_agent_gave_up_on_are_delivered_again()
    {
        const string topic = "given-up";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [topic, "dlq"] });
        var behavior = new ConsumerBehavior { FailDeliveries = true };
        // The agent stops retrying a failed delivery after 2 s and moves on; the reader must not count on it.
        await using var cluster = await StartAsync(1, broker, topic, behavior, o => o.RedeliverAfter = TimeSpan.FromSeconds(3),
            stream => stream.ConfigurePullingAgent(agent => agent.Configure(a => a.MaxEventDeliveryTime = TimeSpan.FromSeconds(2))));
        var keys = Keys("given-up", 1);

        var produced = KafkaTestData.ProduceSequences(broker.BootstrapServers, topic, keys, 20);
        await Task.Delay(TimeSpan.FromSeconds(4)); // the agent has given up on these deliveries by now
        behavior.FailDeliveries = false;

        await WaitForAllAppliedAsync(cluster, produced);
        await AssertExactlyOnceInOrderAsync(cluster, produced);
    }

    private async Task<InProcessTestCluster> StartAsync(short silos, EmbeddedKafkaBroker broker, string topic, ConsumerBehavior behavior,
        Action<KafkaStreamOptions>? configure = null, Action<Orleans.Hosting.ISiloPersistentStreamConfigurator>? configureStream = null) =>
        await KafkaTestCluster.StartAsync(silos, broker, redis, o =>
        {
            o.Topics = [topic];
            o.ConsumerGroup = "g-" + topic;
            o.DeadLetterTopic = "dlq";
            o.DurabilityPollInterval = TimeSpan.FromMilliseconds(300);
            o.RedeliverAfter = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        }, silo => silo.Services.AddSingleton(behavior), configureStream);

    private static List<string> Keys(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}-{i}").ToList();

    private static async Task<int> TotalAppliedAsync(InProcessTestCluster cluster, IEnumerable<string> keys)
    {
        var snapshots = await Task.WhenAll(keys.Select(k => cluster.Client.GetGrain<ITestConsumerGrain>(k).GetSnapshotAsync()));
        return snapshots.Sum(s => s.Applied);
    }

    private static Task WaitForAllAppliedAsync(InProcessTestCluster cluster, Dictionary<string, int> produced) =>
        Eventually.HoldsAsync(async () =>
            {
                foreach (var (key, count) in produced)
                {
                    var s = await cluster.Client.GetGrain<ITestConsumerGrain>(key).GetSnapshotAsync();
                    if (s.Applied < count || s.DurableApplied < count) return false;
                }
                return true;
            },
            Patience,
            async () => string.Join(", ", await Task.WhenAll(produced.Select(async p =>
                $"{p.Key}: {(await cluster.Client.GetGrain<ITestConsumerGrain>(p.Key).GetSnapshotAsync()).Applied}/{p.Value}"))));

    private static async Task AssertExactlyOnceInOrderAsync(InProcessTestCluster cluster, Dictionary<string, int> produced)
    {
        foreach (var (key, count) in produced)
        {
            var s = await cluster.Client.GetGrain<ITestConsumerGrain>(key).GetSnapshotAsync();
            Assert.True(s.Applied == count, $"{key}: applied {s.Applied}, produced {count}");
            Assert.True(s.LastSequence == count - 1, $"{key}: last sequence {s.LastSequence}, expected {count - 1}");
            Assert.True(s.OutOfOrder == 0, $"{key}: {s.OutOfOrder} events applied out of order");
        }
    }

    private static string Describe(List<(int Partition, long Committed, long End)> progress) =>
        string.Join(", ", progress.Select(p => $"p{p.Partition}: committed {p.Committed} / end {p.End}"));
}
