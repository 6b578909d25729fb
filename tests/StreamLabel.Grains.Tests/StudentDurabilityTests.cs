using Xunit.Abstractions;
using StreamLabel.Datasets;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Replay;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

public sealed class StudentDurabilityTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>
{
    /// <summary>
    /// Elec2 keyed by its day column (7 students). A silo hosting students is killed mid-replay: its students resume
    /// elsewhere from their last durable state and Kafka redelivers the rest. Each student's learned count (from its
    /// restored model) must equal what was produced for its key: nothing lost, nothing applied twice.
    /// </summary>
    [Fact]
    public async Task Killing_the_silo_hosting_students_mid_stream_loses_nothing_and_applies_nothing_twice()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 4, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters] });
        await using var cluster = await StudentCluster.StartAsync(3, broker, redis, gpuSilo: true, new Dictionary<string, string?>
        {
            ["Models:Patterns:0:Pattern"] = "*",
            ["Models:Patterns:0:FeatureCount"] = "7",
            ["Models:Patterns:0:Classes:0"] = "DOWN",
            ["Models:Patterns:0:Classes:1"] = "UP",
            ["Student:PersistEveryEvents"] = "100000", // persist on the timer only, so the kill takes undurable work with it
            ["Student:PersistInterval"] = "00:00:01",
        });
        var data = Elec2.Rows(14_000);
        int day = data.FeatureNames.ToList().IndexOf("day");
        var produced = data.Features.GroupBy(row => row[day].ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => (long)g.Count());
        var keys = produced.Keys.ToList();

        var firstHalf = data.Take(7000);
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(firstHalf, new ReplayOptions { Topic = StudentCluster.Topic, KeyColumn = "day", Noise = 0.1 });
        await Eventually.HoldsAsync(async () => await TotalSeenAsync(cluster, keys) >= 3000, TimeSpan.FromSeconds(90),
            async () => $"seen {await TotalSeenAsync(cluster, keys)} before the kill");

        // Kill (no graceful shutdown) the secondary silo that hosts the most students.
        var hosts = await Task.WhenAll(keys.Select(async k => (await cluster.Client.GetGrain<IStudentGrain>(k).GetMetricsAsync()).Silo));
        var victim = cluster.Silos.Skip(1).OrderByDescending(s => hosts.Count(h => h == s.SiloAddress.ToString())).First();
        int moved = hosts.Count(h => h == victim.SiloAddress.ToString());
        var rest = new LabeledDataset(data.Name, data.FeatureNames, data.Classes, data.Features[7000..], data.Labels[7000..]);
        var producing = new DatasetReplayer(broker.BootstrapServers).ReplayAsync(rest, new ReplayOptions { Topic = StudentCluster.Topic, KeyColumn = "day", Noise = 0.1, Seed = 2 });
        long seenAtKill = await TotalSeenAsync(cluster, keys);
        await cluster.KillSiloAsync(victim);
        output.WriteLine($"killed {victim.SiloAddress} hosting {moved} of {keys.Count} students, {seenAtKill} events learned at the kill");
        await producing;

        await Eventually.HoldsAsync(async () => await TotalSeenAsync(cluster, keys) >= data.Count, TimeSpan.FromSeconds(150),
            async () => $"seen {await TotalSeenAsync(cluster, keys)} of {data.Count} after killing a silo hosting {moved} students");
        output.WriteLine($"all {data.Count} events learned after the kill");
        await Task.Delay(TimeSpan.FromSeconds(3)); // anything applied twice would show up as an excess now
        foreach (var key in keys)
        {
            var m = await cluster.Client.GetGrain<IStudentGrain>(key).GetMetricsAsync();
            output.WriteLine($"student {key}: learned {m.EventsSeen}, produced {produced[key]}, on {m.Silo}");
            Assert.True(m.EventsSeen == produced[key], $"student {key}: learned {m.EventsSeen}, produced {produced[key]}");
            Assert.NotEqual(victim.SiloAddress.ToString(), m.Silo);
        }
    }

    private static async Task<long> TotalSeenAsync(Orleans.TestingHost.InProcessTestCluster cluster, IEnumerable<string> keys) =>
        (await Task.WhenAll(keys.Select(k => cluster.Client.GetGrain<IStudentGrain>(k).GetMetricsAsync()))).Sum(m => m.EventsSeen);
}
