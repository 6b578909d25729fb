using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using StreamLabel.Streaming.EventFormat;
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
    // Limits on growth after the warm-up, all silos summed. What is in use (live managed objects after a full GC, the C
    // heap in use, live tensors) stays within noise when nothing leaks (measured: under 1 MiB, 3 MiB and 2 tensors in
    // 4 minutes); a leak of 100 bytes per event at this rate adds 0.9 MiB a minute. Resident memory also holds what the
    // allocators keep for reuse, so its limit is looser; with glibc's default arenas it crept 5-10 MiB/min (see README).
    private const long MaxManagedGrowthBytes = 16L << 20;
    private const long MaxNativeGrowthBytes = 32L << 20;
    private const long MaxRssGrowthBytes = 64L << 20;
    private const long MaxTensorGrowth = 64;

    /// <summary>
    /// A steady replay for the soak length. After a warm-up (the first quarter), what the silos hold must stay flat
    /// (summed over the silos, from /diagnostics after a full GC in each, so objects and tensors waiting for their
    /// finalizer do not count): live TorchSharp tensors, live managed bytes, the C heap in use (glibc mallinfo2: libtorch,
    /// librdkafka), and resident memory (VmRSS) within a looser bound. A leak of one tensor per step, or of the events'
    /// buffers, would grow them with every one of the thousands of events that follow. Every sample, and each part's
    /// growth per minute, is printed.
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
        var samples = new List<MemorySample>();
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
            samples.Add(await MemorySample.TakeAsync(cluster, clock.Elapsed.TotalSeconds));
            await Task.WhenAny(producing, Task.Delay(TimeSpan.FromSeconds(3)));
        }
        long producedTotal = await producing;
        await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= producedTotal, TimeSpan.FromSeconds(60),
            async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of {producedTotal}");
        samples.Add(await MemorySample.TakeAsync(cluster, clock.Elapsed.TotalSeconds));

        results.Figure("events produced / learned", $"{producedTotal} / {await fixture.TotalSeenAsync(scenario.Keys)}");
        AssertFlat(samples, warmUp, results);
    }

    /// <summary>
    /// Keys that go idle and come back: a window of 8 of 24 "solo-" keys gets the events, moving on by one key a second,
    /// and idle students are deactivated every 3 s (Orleans' forced collection, as Student:IdleDeactivateAfter would
    /// after minutes), so every key's student is deactivated (persisted, its bank slot freed) and activated again from
    /// storage a few times during the soak. What the silos hold must stay flat as in the steady soak, and every event
    /// must be learned exactly once across the activations.
    /// </summary>
    [Fact]
    public async Task Keys_that_go_idle_and_come_back_keep_silo_memory_flat_and_lose_nothing()
    {
        fixture.EnsureAllSilosRunning();
        var results = new ReliabilityResults(output, $"key churn {Seconds}s");
        var cluster = fixture.Cluster;
        const int keys = 24, window = 8;
        var names = Enumerable.Range(0, keys).Select(k => $"{ClusterFixture.SoloKeyPrefix}churn-{k}").ToList();
        var data = Elec2Scenario.Dataset;
        var produced = names.ToDictionary(k => k, _ => 0L);
        var samples = new List<MemorySample>();
        var activeStudents = new List<int>();
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var clock = Stopwatch.StartNew();

        var producing = Task.Run(async () =>
        {
            using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.Bootstrap, LingerMs = 5 }).Build();
            long total = (long)(Seconds * Rate);
            for (long i = 0; i < total; i++)
            {
                // The window's first key is the second count since the start: each key gets events for 8 s, then rests 16 s.
                var key = names[(int)((i / (long)Rate + i % window) % keys)];
                int row = (int)(i % data.Count);
                producer.Produce(ClusterFixture.Topic, new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes(key),
                    Value = EventWriter.Write(data.Features[row], data.Classes[data.Labels[row]], $"churn-{i}"),
                });
                produced[key]++;
                var due = TimeSpan.FromSeconds((i + 1) / Rate);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        });
        var warmUp = TimeSpan.FromSeconds(Seconds / 4.0);
        while (!producing.IsCompleted)
        {
            await management.ForceActivationCollection(TimeSpan.FromSeconds(2));
            activeStudents.Add(await StudentActivationsAsync(management));
            samples.Add(await MemorySample.TakeAsync(cluster, clock.Elapsed.TotalSeconds));
            await Task.WhenAny(producing, Task.Delay(TimeSpan.FromSeconds(3)));
        }
        await producing;
        long producedTotal = produced.Values.Sum();
        // Asking a student for its metrics activates it from storage: its count is what it persisted.
        await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(names) >= producedTotal, TimeSpan.FromSeconds(60),
            async () => $"learned {await fixture.TotalSeenAsync(names)} of {producedTotal}");
        samples.Add(await MemorySample.TakeAsync(cluster, clock.Elapsed.TotalSeconds));

        results.Figure("events produced / learned", $"{producedTotal} / {await fixture.TotalSeenAsync(names)}");
        results.Figure("active students when sampled (of 24 keys)", string.Join(" ", activeStudents));
        Assert.True(activeStudents.Skip(2).Min() < keys - window, $"students were not deactivated: active {string.Join(" ", activeStudents)}");
        var metrics = await fixture.MetricsAsync(names);
        for (int k = 0; k < keys; k++)
            Assert.True(metrics[k]?.EventsSeen == produced[names[k]], $"{names[k]}: learned {metrics[k]?.EventsSeen}, produced {produced[names[k]]}");
        AssertFlat(samples, warmUp, results);
    }

    private static async Task<int> StudentActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("StudentGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);

    /// <summary>Prints the samples and each part's growth per minute after the warm-up, and checks it against the limits.</summary>
    private void AssertFlat(List<MemorySample> samples, TimeSpan warmUp, ReliabilityResults results)
    {
        var afterWarmUp = samples.Where(s => s.At >= warmUp.TotalSeconds).ToList();
        Assert.True(afterWarmUp.Count >= 4, $"only {afterWarmUp.Count} samples after the warm-up");
        // Medians of the first and last three samples after the warm-up.
        var (first, last) = (MemorySample.Median(afterWarmUp.Take(3).ToList()), MemorySample.Median(afterWarmUp.TakeLast(3).ToList()));
        double minutes = (last.At - first.At) / 60;
        int silo = fixture.Cluster.Pid(LocalCluster.CpuSilo1) ?? 0;
        results.Figure("silos' GC mode / MALLOC_ARENA_MAX / DOTNET_GCConserveMemory", $"{(first.ServerGc ? "server" : "workstation")} / " +
            $"{SiloProcessStats.EnvironmentVariable(silo, "MALLOC_ARENA_MAX") ?? "-"} / {SiloProcessStats.EnvironmentVariable(silo, "DOTNET_GCConserveMemory") ?? "-"}");
        results.Figure("samples (every 3 s, all silos summed: RSS/managed after GC/native in use/tensors)", string.Join(" ", samples.Select(s =>
            $"{s.At:0}s:{s.Rss >> 20}/{s.Managed >> 20}/{s.NativeInUse >> 20}MiB/{s.Tensors}t")));
        results.Figure("live tensors before the GC (min..max)", $"{samples.Min(s => s.TensorsBeforeGc)}..{samples.Max(s => s.TensorsBeforeGc)}");
        void Growth(string name, Func<MemorySample, long> f) => results.Figure($"{name} after warm-up -> end (growth per minute)",
            $"{f(first) / 1048576.0:0.0} -> {f(last) / 1048576.0:0.0} MiB ({(f(last) - f(first)) / 1048576.0 / minutes:+0.0;-0.0} MiB/min)");
        Growth("resident memory (VmRSS)", s => s.Rss);
        Growth("  anonymous (RssAnon)", s => s.RssAnon);
        Growth("  file-backed (RssFile)", s => s.RssFile);
        Growth("managed heap after full GC", s => s.Managed);
        Growth("GC committed", s => s.GcCommitted);
        Growth("C heap in use (mallinfo2)", s => s.NativeInUse);
        Growth("C heap free in malloc arenas", s => s.NativeFree);
        results.Figure("live tensors after warm-up -> end", $"{first.Tensors} -> {last.Tensors}");
        Assert.True(last.Managed - first.Managed <= MaxManagedGrowthBytes,
            $"live managed memory (after a full GC) grew {(last.Managed - first.Managed) >> 20} MiB after the warm-up (limit {MaxManagedGrowthBytes >> 20} MiB)");
        Assert.True(last.NativeInUse - first.NativeInUse <= MaxNativeGrowthBytes,
            $"C heap in use grew {(last.NativeInUse - first.NativeInUse) >> 20} MiB after the warm-up (limit {MaxNativeGrowthBytes >> 20} MiB)");
        Assert.True(last.Rss - first.Rss <= MaxRssGrowthBytes,
            $"silo resident memory grew {(last.Rss - first.Rss) >> 20} MiB after the warm-up (limit {MaxRssGrowthBytes >> 20} MiB)");
        Assert.True(last.Tensors - first.Tensors <= MaxTensorGrowth,
            $"live tensors grew from {first.Tensors} to {last.Tensors} after the warm-up (limit +{MaxTensorGrowth})");
    }
}
