using System.Text;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Replay;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

public sealed class ClusterInfoTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Cluster_info_reports_silo_metadata_partition_lag_and_dead_letters()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 3, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters] });
        await using var cluster = await StudentCluster.StartAsync(2, broker, redis, gpuSilo: true);
        var data = Elec2.Rows(1500);
        const string key = "elec2-info";
        await cluster.Client.GetGrain<IStudentGrain>(key).SetSpecAsync(Elec2.Spec(data.FeatureCount));
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(data, new ReplayOptions { Topic = StudentCluster.Topic, Key = key });
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(StudentCluster.Topic, StudentLearningTests.Message(key, Encoding.UTF8.GetBytes("{not json")));
            await producer.ProduceAsync(StudentCluster.Topic, StudentLearningTests.Message(key, EventWriter.Write(data.Features[0], "SIDEWAYS")));
        }
        await StudentLearningTests.WaitForSeenAsync(cluster, key, data.Count);

        var info = cluster.Client.GetGrain<IClusterInfoGrain>(0);
        // Commits follow durability (persist interval + durability poll): wait until the lag drains.
        await Eventually.HoldsAsync(async () => (await info.GetClusterInfoAsync()) is { DeadLetters: 2 } i && i.Partitions.All(p => p.Lag == 0),
            TimeSpan.FromSeconds(60), async () => System.Text.Json.JsonSerializer.Serialize(await info.GetClusterInfoAsync()));

        var final = await info.GetClusterInfoAsync();
        Assert.Equal(2, final.Silos.Count);
        Assert.Single(final.Silos, s => s.Metadata["accelerator"] == "gpu");
        Assert.Equal(3, final.Partitions.Count);
        Assert.Equal(data.Count + 2, final.Partitions.Sum(p => p.HighWatermark));
    }

    /// <summary>`status` and the dashboard's cluster cards once asked every student for its totals, which activated
    /// every idle student. The totals must still count what idle students learned, without activating them.</summary>
    [Fact]
    public async Task Status_counts_idle_students_events_without_activating_them()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false);
        var data = Elec2.Rows(300);
        string[] keys = ["status-idle-1", "status-idle-2"];
        foreach (var key in keys)
        {
            await cluster.Client.GetGrain<IStudentGrain>(key).SetSpecAsync(Elec2.Spec(data.FeatureCount, teacherGroup: null));
            await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(data, new ReplayOptions { Topic = StudentCluster.Topic, Key = key });
            await StudentLearningTests.WaitForSeenAsync(cluster, key, data.Count);
        }
        await WaitUntilCommittedAsync(cluster); // the partition reader then has nothing to ask the students

        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        await Eventually.HoldsAsync(async () => await StudentActivationsAsync(management) == 0, TimeSpan.FromSeconds(30),
            async () => $"{await StudentActivationsAsync(management)} students still active");

        var status = await StatusCountingAsync(cluster, 2 * data.Count, "");
        Assert.Equal(keys.Length, status.Models);
        Assert.Equal(0, await StudentActivationsAsync(management));
    }

    /// <summary>A silo that shuts down (a rolling restart) deactivates its students without each recording its count in
    /// the registry; until they activate again elsewhere, `status` must still count what they learned.</summary>
    [Fact]
    public async Task Status_after_a_silo_shuts_down_counts_the_events_its_idle_students_saw()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 4, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters] });
        await using var cluster = await StudentCluster.StartAsync(2, broker, redis, gpuSilo: false);
        var data = Elec2.Rows(200);
        var keys = Enumerable.Range(0, 8).Select(i => $"status-leave-{i}").ToList();
        foreach (var key in keys)
        {
            await cluster.Client.GetGrain<IStudentGrain>(key).SetSpecAsync(Elec2.Spec(data.FeatureCount, teacherGroup: null));
            await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(data, new ReplayOptions { Topic = StudentCluster.Topic, Key = key });
        }
        foreach (var key in keys) await StudentLearningTests.WaitForSeenAsync(cluster, key, data.Count);
        await WaitUntilCommittedAsync(cluster); // so no event is delivered again after the shutdown to activate a student
        var leaving = cluster.Silos[1];
        var hosts = await Task.WhenAll(keys.Select(async k => (await cluster.Client.GetGrain<IStudentGrain>(k).GetMetricsAsync()).Silo));
        int moving = hosts.Count(h => h == leaving.SiloAddress.ToString());
        Assert.True(moving > 0, $"no student on the silo that leaves: {string.Join(", ", hosts)}");

        await cluster.StopSiloAsync(leaving);

        await StatusCountingAsync(cluster, keys.Count * data.Count, $"; {moving} students were on the silo that left");
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        Assert.Equal(keys.Count - moving, await StudentActivationsAsync(management)); // counted without activating them again
    }

    /// <summary>Waits until every event is durable and its offset committed (no partition lags).</summary>
    private static Task WaitUntilCommittedAsync(Orleans.TestingHost.InProcessTestCluster cluster)
    {
        var info = cluster.Client.GetGrain<IClusterInfoGrain>(0);
        return Eventually.HoldsAsync(async () => (await info.GetClusterInfoAsync()).Partitions.All(p => p.Lag == 0), TimeSpan.FromSeconds(60),
            async () => System.Text.Json.JsonSerializer.Serialize((await info.GetClusterInfoAsync()).Partitions));
    }

    /// <summary>`status` once it counts <paramref name="eventsSeen"/> events: silos report their tallies every second, so
    /// deactivations and departures reach the totals within a report or two.</summary>
    private static async Task<StreamLabel.Client.Queries.StatusView> StatusCountingAsync(Orleans.TestingHost.InProcessTestCluster cluster, long eventsSeen, string context)
    {
        var queries = new StreamLabel.Client.Queries.ClusterQueries(cluster.Client);
        StreamLabel.Client.Queries.StatusView? status = null;
        await Eventually.HoldsAsync(async () => (status = await queries.StatusAsync()).EventsSeen == eventsSeen, TimeSpan.FromSeconds(20),
            () => Task.FromResult($"status counts {status?.EventsSeen} events seen, expected {eventsSeen}{context}"));
        return status!;
    }

    private static async Task<int> StudentActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("StudentGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);

    [Fact]
    public async Task With_the_brokers_gone_cluster_info_fails_with_Kafkas_reason_that_a_client_can_read()
    {
        var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false);
        var info = cluster.Client.GetGrain<IClusterInfoGrain>(0);
        Assert.Single((await info.GetClusterInfoAsync()).Partitions);
        broker.Dispose();

        // Confluent's KafkaException has no Orleans codec: the client got a CodecNotFoundException instead of this.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => info.GetClusterInfoAsync());
        Assert.Contains("Kafka at 127.0.0.1:", e.Message);
    }
}
