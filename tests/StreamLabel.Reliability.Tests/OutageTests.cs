using System.Diagnostics;
using StreamLabel.Reliability.Tests.Cluster;
using StreamLabel.Reliability.Tests.Support;
using StreamLabel.Testing;
using Xunit.Abstractions;

namespace StreamLabel.Reliability.Tests;

[Collection(ClusterCollection.Name)]
public sealed class OutageTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 3000;

    /// <summary>
    /// The broker becomes unreachable in the middle of a paced replay, then comes back: "pause" freezes the broker process
    /// (SIGSTOP by `local-cluster.sh broker-pause`: connections stay open, every fetch, produce, commit and metadata
    /// request goes unanswered); "down" is the mock cluster's own broker down (every connection closed, new ones
    /// refused), so every client of the cluster has to reconnect. No silo crashes, every event is learned exactly once,
    /// and the group's commits reach the partitions' ends. The outages outlast the silos' producer timeout
    /// (<see cref="ClusterFixture.ProducerTimeoutMs"/>): predictions not yet delivered when the broker goes away time
    /// out and fail their deliveries, whose events must be learned once on redelivery. Whether any were waiting at that
    /// moment depends on timing (a paused broker's open sockets also take them and answer later), so the number that
    /// timed out is reported, not asserted.
    /// </summary>
    [Theory]
    [InlineData("pause", 15, 30)]
    [InlineData("down", 20, 40)]
    public async Task A_broker_outage_mid_replay_loses_nothing(string mode, int seconds, int keyOffset)
    {
        fixture.EnsureAllSilosRunning();
        var results = new ReliabilityResults(output, $"broker outage ({mode} {seconds} s)");
        var cluster = fixture.Cluster;
        var scenario = new Elec2Scenario(keyOffset, Rows, skip: 8000);
        var pids = SiloPids();
        int timeoutsBefore = ProduceTimeouts();
        try
        {
            await scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, 0, Rows / 3);
            await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows / 6, TimeSpan.FromSeconds(90),
                async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} before the outage");

            // A paced replay (about 7 s) is connected when the broker goes away; it queues its records until it is back.
            // Half of it is unlabeled, so the students publish predictions up to the moment the broker goes away (and
            // the fixture's producer linger holds the last of them back).
            var producing = scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, Rows / 3, Rows, rate: 300, seed: 2, unlabeled: 0.5);
            // The outage starts once the paced events are being learned (a fixed delay let it start, under load, before
            // any of them arrived, and then no prediction was waiting when the broker went).
            await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows / 3 + 150, TimeSpan.FromSeconds(60),
                async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of the first {Rows / 3 + 150} before the outage");
            int brokerPort = int.Parse(cluster.Bootstrap.Split(':')[1]);
            int connectionsBefore = TcpConnections.EstablishedTo(brokerPort);
            if (mode == "pause") cluster.BrokerPause(); else cluster.BrokerDown();
            long atDown = await fixture.TotalSeenAsync(scenario.Keys);
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            long atUp = await fixture.TotalSeenAsync(scenario.Keys);
            int connectionsDuring = TcpConnections.EstablishedTo(brokerPort);
            if (mode == "pause") cluster.BrokerResume(); else cluster.BrokerUp();
            var sinceUp = Stopwatch.StartNew();
            await producing;
            await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows, TimeSpan.FromSeconds(150),
                async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of {Rows} after the broker came back");
            double recovery = sinceUp.Elapsed.TotalSeconds;
            await Eventually.HoldsAsync(() => Task.FromResult(SiloCrashTests.CommitsAtEnd(cluster.Bootstrap)), TimeSpan.FromSeconds(60),
                () => Task.FromResult("committed offsets did not reach the partitions' ends"));
            double committed = sinceUp.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(2));

            var metrics = await fixture.MetricsAsync(scenario.Keys);
            results.Figure("outage length", seconds, "s");
            results.Figure("connections to the broker before / during / after the outage",
                $"{connectionsBefore} / {connectionsDuring} / {TcpConnections.EstablishedTo(brokerPort)}");
            results.Figure("events learned during the outage", atUp - atDown);
            results.Figure("events produced", Rows);
            results.Figure("events learned", metrics.Sum(m => m?.EventsSeen ?? 0));
            results.Figure("recovery (broker back -> all events learned)", recovery, "s");
            results.Figure("recovery (broker back -> offsets committed to the ends)", committed, "s");
            int timeouts = ProduceTimeouts() - timeoutsBefore;
            results.Figure($"silo log lines with a produce timed out ({ClusterFixture.ProducerTimeoutSetting} {ClusterFixture.ProducerTimeoutMs} ms)", timeouts);
            if (mode == "down") Assert.Equal(0, connectionsDuring); // every client really lost its connections
            AssertLearnedExactly(scenario, metrics);
            Assert.Equal(pids, SiloPids()); // no silo crashed
        }
        finally
        {
            if (mode == "pause") cluster.BrokerResume(); else cluster.BrokerUp(); // idempotent; the next tests need the broker
        }
    }

    // librdkafka's error for a message that was not delivered within message.timeout.ms, as the silos log it.
    private int ProduceTimeouts() => fixture.Cluster.Logs().Where(l => l.Name.StartsWith("silo", StringComparison.Ordinal))
        .Sum(l => l.Text.Split('\n').Count(line => line.Contains("Message timed out", StringComparison.Ordinal)));

    /// <summary>
    /// redis-server (membership table and every grain's state) is stopped mid-replay — gracefully (SIGTERM) or by a
    /// crash (SIGKILL: no shutdown, only what its append-only file holds) — and started again 5 s later on the same port
    /// from its append-only file. Its keys survive, no silo crashes, every event is learned exactly once, and the
    /// connection errors the silos log while it is gone do not show the Redis password.
    /// </summary>
    [Theory]
    [InlineData("TERM", 70)]
    [InlineData("KILL", 80)]
    public async Task A_redis_restart_mid_replay_loses_nothing(string signal, int keyOffset)
    {
        fixture.EnsureAllSilosRunning();
        var results = new ReliabilityResults(output, $"redis restart ({signal})");
        var cluster = fixture.Cluster;
        var scenario = new Elec2Scenario(keyOffset, Rows, skip: 12000);
        var pids = SiloPids();
        try
        {
            await scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, 0, Rows / 2);
            await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows / 4, TimeSpan.FromSeconds(90),
                async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} before the restart");

            var producing = scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, Rows / 2, Rows, seed: 2);
            long keysBefore = await RedisProbe.DatabaseSizeAsync(cluster);
            long atStop = await fixture.TotalSeenAsync(scenario.Keys);
            cluster.Stop("redis", signal);
            await Task.Delay(TimeSpan.FromSeconds(5));
            cluster.Start("redis");
            var sinceRestart = Stopwatch.StartNew();
            long keysAfter = await RedisProbe.DatabaseSizeAsync(cluster);
            await producing;
            await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows, TimeSpan.FromSeconds(150),
                async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of {Rows} after the Redis restart");
            double recovery = sinceRestart.Elapsed.TotalSeconds;
            // Students learn from memory while Redis is away; the group's commits wait until their state is written to
            // Redis again, so commits at the ends mark when the cluster is durable again.
            await Eventually.HoldsAsync(() => Task.FromResult(SiloCrashTests.CommitsAtEnd(cluster.Bootstrap)), TimeSpan.FromSeconds(60),
                () => Task.FromResult("committed offsets did not reach the partitions' ends after the Redis restart"));
            double durable = sinceRestart.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(2));

            var metrics = await fixture.MetricsAsync(scenario.Keys);
            results.Figure("redis keys before stop / after restart", $"{keysBefore} / {keysAfter}");
            results.Figure("events produced", Rows);
            results.Figure("events learned when redis stopped", atStop);
            results.Figure("events learned", metrics.Sum(m => m?.EventsSeen ?? 0));
            results.Figure("recovery (redis back -> all events learned)", recovery, "s");
            results.Figure("recovery (redis back -> all state written, offsets committed to the ends)", durable, "s");
            Assert.True(keysAfter >= keysBefore, $"Redis came back with {keysAfter} keys, had {keysBefore}");
            AssertLearnedExactly(scenario, metrics);
            Assert.Equal(pids, SiloPids());
            await SecretScan.AssertNotExposedAsync(cluster, [ClusterFixture.RedisPassword]);
        }
        finally
        {
            if (cluster.Pid("redis") is null) cluster.Start("redis");
        }
    }

    internal static void AssertLearnedExactly(Elec2Scenario scenario, Grains.ModelMetrics?[] metrics)
    {
        var produced = scenario.ProducedPerKey();
        for (int i = 0; i < scenario.Keys.Count; i++)
        {
            var m = metrics[i] ?? throw new InvalidOperationException($"student {scenario.Keys[i]} did not answer");
            Assert.True(m.EventsSeen == produced[m.Key], $"student {m.Key}: learned {m.EventsSeen}, produced {produced[m.Key]}");
        }
    }

    private int?[] SiloPids() => LocalCluster.Silos.Select(fixture.Cluster.Pid).ToArray();
}
