using System.Diagnostics;
using Confluent.Kafka;
using StreamLabel.Reliability.Tests.Cluster;
using StreamLabel.Reliability.Tests.Support;
using StreamLabel.Testing;
using Xunit.Abstractions;

namespace StreamLabel.Reliability.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SiloCrashTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 4000;

    /// <summary>
    /// kill -9 of the cpu silo process hosting the most students while the replay runs: its students reactivate on the
    /// other silos from their last durable state and Kafka redelivers the rest. Every key's learned count equals what was
    /// produced for it (nothing lost, nothing applied twice), the group's committed offsets never go back and end at the
    /// partitions' ends, and the time from the kill to "every event learned" is measured.
    /// </summary>
    [Fact]
    public async Task Kill_9_of_a_silo_hosting_students_loses_nothing_and_applies_nothing_twice()
    {
        fixture.EnsureAllSilosRunning();
        var results = new ReliabilityResults(output, "kill -9 student silo");
        var cluster = fixture.Cluster;
        var scenario = new Elec2Scenario(keyOffset: 10, Rows);
        var produced = scenario.ProducedPerKey();
        string? victim = null;
        await using var offsets = new CommittedOffsetSampler(cluster.Bootstrap, "streamlabel", ClusterFixture.Topic, ClusterFixture.Partitions, TimeSpan.FromMilliseconds(250));
        try
        {
            await scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, 0, Rows / 2);
            await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows / 4, TimeSpan.FromSeconds(90),
                async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of the first {Rows / 2} before the kill");

            var hosts = (await fixture.MetricsAsync(scenario.Keys)).Select(m => m is null ? null : cluster.SiloOf(m.Silo)).ToList();
            victim = new[] { LocalCluster.CpuSilo1, LocalCluster.CpuSilo2 }.OrderByDescending(s => hosts.Count(h => h == s)).First();
            int moved = hosts.Count(h => h == victim);
            Assert.True(moved > 0, $"no student on a cpu silo to kill (hosts: {string.Join(", ", hosts)})");
            var producing = scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, Rows / 2, Rows, seed: 2);
            long learnedAtKill = await fixture.TotalSeenAsync(scenario.Keys);
            var sinceKill = Stopwatch.StartNew();
            cluster.Stop(victim, "KILL");
            results.Note($"killed {victim} (kill -9) hosting {moved} of {scenario.Keys.Count} students; {learnedAtKill} events learned at the kill");
            await producing;

            await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows, TimeSpan.FromSeconds(150),
                async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of {Rows} after killing {victim}");
            double recovery = sinceKill.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(3)); // an event applied twice would show as an excess by now

            var metrics = await fixture.MetricsAsync(scenario.Keys);
            long learned = metrics.Sum(m => m?.EventsSeen ?? 0);
            results.Figure("students moved by the kill", moved);
            results.Figure("events produced", Rows);
            results.Figure("events learned", learned);
            results.Figure("recovery (kill -> all events learned)", recovery, "s");
            for (int i = 0; i < scenario.Keys.Count; i++)
            {
                var key = scenario.Keys[i];
                var m = metrics[i] ?? throw new InvalidOperationException($"student {key} did not answer");
                results.Note($"student {key}: learned {m.EventsSeen}, produced {produced[key]}, accuracy {m.Accuracy:0.###}, now on {cluster.SiloOf(m.Silo)}");
                Assert.True(m.EventsSeen == produced[key], $"student {key}: learned {m.EventsSeen}, produced {produced[key]}");
            }

            // Every event is durable, so the group's commits reach each partition's end (other scenarios' events included).
            await Eventually.HoldsAsync(() => Task.FromResult(CommitsAtEnd(cluster.Bootstrap)), TimeSpan.FromSeconds(30),
                () => Task.FromResult("committed offsets did not reach the partitions' ends"));
            results.Figure("committed-offset samples", offsets.Samples);
            results.Figure("committed-offset regressions", offsets.Regressions.Count);
            Assert.True(offsets.Samples > 10, $"only {offsets.Samples} committed-offset samples");
            Assert.Empty(offsets.Regressions);
        }
        finally
        {
            if (victim is not null && cluster.Pid(victim) is null) cluster.Start(victim);
        }
    }

    /// <summary>Whether group "streamlabel" has committed every partition of the events topic up to its end.</summary>
    internal static bool CommitsAtEnd(string bootstrap)
    {
        try { return CommitsAtEndCore(bootstrap); }
        catch (KafkaException) { return false; }
    }

    private static bool CommitsAtEndCore(string bootstrap)
    {
        using var admin = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "streamlabel" }).Build();
        var committed = admin.Committed(Enumerable.Range(0, ClusterFixture.Partitions).Select(p => new TopicPartition(ClusterFixture.Topic, p)),
            TimeSpan.FromSeconds(5)).ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
        for (int p = 0; p < ClusterFixture.Partitions; p++)
        {
            var end = admin.QueryWatermarkOffsets(new TopicPartition(ClusterFixture.Topic, p), TimeSpan.FromSeconds(5)).High.Value;
            if (end > 0 && (!committed.TryGetValue(p, out var c) || c < end)) return false;
        }
        return true;
    }
}
