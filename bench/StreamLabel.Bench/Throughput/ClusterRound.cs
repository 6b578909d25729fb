using System.Diagnostics;
using StreamLabel.Grains;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// One measured round against silo processes: produce a stream (as fast as possible, or paced), poll the students
/// through the Orleans client until they learned all of it, and account the window: end-to-end rate from the first
/// produced event to the last learned, CPU of every cluster process from /proc, and the silos' produce→learned histogram.
/// </summary>
public sealed class ClusterRound(SiloProcesses cluster, EventProducer producer, IGrainFactory grains, HttpClient http,
    IReadOnlyList<string> metricsUrls, string topic, int partitions, IReadOnlyList<string> keys)
{
    public sealed record Outcome(double EventsPerSecond, double Seconds, double ProducerEventsPerSecond, double ClusterCpuMicros,
        double SiloCpuMicros, double BenchCpuMicros, double P50Ms, double P99Ms, double LatencySamples, string CpuByProcess, string CoreBusy);

    public async Task<Outcome> RunAsync(SyntheticStream stream, double? rate)
    {
        long before = await EventsSeenAsync();
        var latency0 = await LearnLatencyHistogram.ScrapeAsync(http, metricsUrls);
        var pids = cluster.Pids;
        var cpu0 = pids.Select(p => ProcessCpu.Seconds(p.Pid)).ToArray();
        double bench0 = BenchCpu();
        var cores0 = ProcessCpu.Cores();
        var clock = Stopwatch.StartNew();
        var producing = Task.Run(() => Produce(stream, rate, clock));
        long seen, last = -1;
        var progressed = DateTime.UtcNow;
        while ((seen = await EventsSeenAsync()) < before + stream.Count)
        {
            if (seen != last) (last, progressed) = (seen, DateTime.UtcNow);
            // The mock broker keeps about 5 MB per partition and drops older records: a lag beyond that never completes.
            if (DateTime.UtcNow - progressed > TimeSpan.FromMinutes(1))
                throw new TimeoutException($"students learned {seen - before} of {stream.Count} events and made no progress for a minute (lost to the mock broker's size limit? use fewer --events)");
            if (producing.IsFaulted) await producing;
            await Task.Delay(25);
        }
        double seconds = clock.Elapsed.TotalSeconds, producerSeconds = await producing;
        var cpu = pids.Select((p, i) => (p.Name, Seconds: ProcessCpu.Seconds(p.Pid) - cpu0[i])).ToArray();
        string coreBusy = ProcessCpu.CoreBusy(cores0, ProcessCpu.Cores());
        double bench = BenchCpu() - bench0;
        var latency = (await LearnLatencyHistogram.ScrapeAsync(http, metricsUrls)).Since(latency0);
        double perEvent = 1e6 / stream.Count;
        return new Outcome(stream.Count / seconds, seconds, stream.Count / producerSeconds, cpu.Sum(c => c.Seconds) * perEvent,
            cpu.Where(c => c.Name.StartsWith("silo-cpu", StringComparison.Ordinal)).Sum(c => c.Seconds) * perEvent, bench * perEvent,
            latency.Quantile(0.5), latency.Quantile(0.99), latency.Count,
            string.Join(", ", cpu.Select(c => $"{c.Name} {c.Seconds * perEvent:F1}").Append($"bench {bench * perEvent:F1}")), coreBusy);
    }

    /// <summary>Produces the stream; paced events carry their due time (an outside producer keeps its pace while this
    /// process stalls, so waiting for the producer counts as latency). Returns the seconds producing took.</summary>
    private double Produce(SyntheticStream stream, double? rate, Stopwatch clock)
    {
        long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)clock.Elapsed.TotalMilliseconds;
        for (int i = 0; i < stream.Count; i++)
        {
            double due = rate is double r ? i / r : clock.Elapsed.TotalSeconds;
            if (rate is not null && due - clock.Elapsed.TotalSeconds > 0.002) Thread.Sleep(TimeSpan.FromSeconds(due - clock.Elapsed.TotalSeconds));
            producer.Produce(topic, partitions, stream, i, startMs + (long)(due * 1000));
        }
        producer.Flush();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>"silo-cpu-1: 8, silo-gpu: 8": where the students are active (placement, not partition ownership).</summary>
    public async Task<string> StudentsPerSiloAsync()
    {
        var metrics = await Task.WhenAll(keys.Select(k => grains.GetGrain<IStudentGrain>(k).GetMetricsAsync()));
        return string.Join(", ", metrics.GroupBy(m => cluster.NameOf(m.Silo)).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
    }

    private async Task<long> EventsSeenAsync()
    {
        var metrics = await Task.WhenAll(keys.Select(k => grains.GetGrain<IStudentGrain>(k).GetMetricsAsync()));
        return metrics.Sum(m => m.EventsSeen);
    }

    private static double BenchCpu()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalSeconds;
    }
}
