using System.Diagnostics;
using StreamLabel.Reliability.Tests.Cluster;
using StreamLabel.Reliability.Tests.Support;
using StreamLabel.Testing;
using Xunit.Abstractions;

namespace StreamLabel.Reliability.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SoakTests(ClusterFixture fixture, ITestOutputHelper output)
{
    /// <summary>Soak length in seconds: STREAMLABEL_SOAK_SECONDS, default 60 (CI). Longer runs replay Elec2 in passes.</summary>
    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("STREAMLABEL_SOAK_SECONDS"), out var s) && s > 0 ? s : 60;
    private const double Rate = 150; // events per second, all 7 keys
    private const long MaxRssGrowthBytes = 64L << 20;
    private const long MaxTensorGrowth = 64;

    /// <summary>
    /// A steady replay for the soak length. After a warm-up (the first quarter), the silos' resident memory (VmRSS,
    /// summed) and live TorchSharp tensors (from /diagnostics after a full GC in each silo, so tensors waiting for their
    /// finalizer do not count) must stay flat: a leak of one tensor per step, or of the events' buffers, would grow them
    /// with every one of the thousands of events that follow. The count before the GC is printed too.
    /// </summary>
    [Fact]
    public async Task A_steady_stream_keeps_silo_memory_and_live_tensors_flat()
    {
        fixture.EnsureAllSilosRunning();
        var results = new ReliabilityResults(output, $"soak {Seconds}s");
        var cluster = fixture.Cluster;
        int rowsPerPass = 20_000;
        var scenario = new Elec2Scenario(keyOffset: 60, rowsPerPass, skip: 20000);
        long total = (long)(Seconds * Rate);
        var samples = new List<(double At, long Rss, long Tensors)>();
        var uncollected = new List<long>();
        var clock = Stopwatch.StartNew();

        var producing = Task.Run(async () =>
        {
            long produced = 0;
            for (int pass = 1; produced < total; pass++)
            {
                int n = (int)Math.Min(rowsPerPass, total - produced);
                produced += await scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, 0, n, rate: Rate, seed: pass);
            }
            return produced;
        });
        var warmUp = TimeSpan.FromSeconds(Seconds / 4.0);
        while (!producing.IsCompleted)
        {
            var (sample, before) = await SampleAsync(cluster, clock.Elapsed.TotalSeconds);
            samples.Add(sample);
            uncollected.Add(before);
            await Task.WhenAny(producing, Task.Delay(TimeSpan.FromSeconds(3)));
        }
        long producedTotal = await producing;
        await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= producedTotal, TimeSpan.FromSeconds(60),
            async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of {producedTotal}");
        samples.Add((await SampleAsync(cluster, clock.Elapsed.TotalSeconds)).Sample);

        var afterWarmUp = samples.Where(s => s.At >= warmUp.TotalSeconds).ToList();
        Assert.True(afterWarmUp.Count >= 4, $"only {afterWarmUp.Count} samples after the warm-up");
        // Medians of the first and last three samples after the warm-up: a step in flight holds a few temporary tensors.
        var (first, last) = (Median(afterWarmUp.Take(3)), Median(afterWarmUp.TakeLast(3)));
        results.Figure("events produced / learned", $"{producedTotal} / {await fixture.TotalSeenAsync(scenario.Keys)}");
        results.Figure("samples (every 3 s, all silos summed)", string.Join(" ", samples.Select(s =>
            $"{s.At:0}s:{s.Rss >> 20}MiB/{s.Tensors}t")));
        results.Figure("live tensors before the GC (min..max)", $"{uncollected.Min()}..{uncollected.Max()}");
        results.Figure("resident memory after warm-up -> end", $"{first.Rss >> 20} -> {last.Rss >> 20}", "MiB");
        results.Figure("resident memory growth", (last.Rss - first.Rss) / (1024.0 * 1024.0), "MiB");
        results.Figure("live tensors after warm-up -> end", $"{first.Tensors} -> {last.Tensors}");
        Assert.True(last.Rss - first.Rss <= MaxRssGrowthBytes,
            $"silo resident memory grew {(last.Rss - first.Rss) >> 20} MiB after the warm-up (limit {MaxRssGrowthBytes >> 20} MiB)");
        Assert.True(last.Tensors - first.Tensors <= MaxTensorGrowth,
            $"live tensors grew from {first.Tensors} to {last.Tensors} after the warm-up (limit +{MaxTensorGrowth})");
    }

    /// <summary>All silos summed: resident bytes and live tensors after a GC; and live tensors before it.</summary>
    private static async Task<((double At, long Rss, long Tensors) Sample, long TensorsBeforeGc)> SampleAsync(LocalCluster cluster, double at)
    {
        long rss = 0, tensors = 0, before = 0;
        foreach (var silo in LocalCluster.Silos)
        {
            int pid = cluster.Pid(silo) ?? throw new InvalidOperationException($"{silo} is not running during the soak");
            before += (await SiloProcessStats.DiagnosticsAsync(cluster.HealthPort(silo), collect: false)).LiveTensors;
            tensors += (await SiloProcessStats.DiagnosticsAsync(cluster.HealthPort(silo), collect: true)).LiveTensors;
            rss += SiloProcessStats.ResidentBytes(pid);
        }
        return ((at, rss, tensors), before);
    }

    private static (long Rss, long Tensors) Median(IEnumerable<(double At, long Rss, long Tensors)> samples)
    {
        var list = samples.ToList();
        return (list.Select(s => s.Rss).Order().ElementAt(list.Count / 2), list.Select(s => s.Tensors).Order().ElementAt(list.Count / 2));
    }
}
