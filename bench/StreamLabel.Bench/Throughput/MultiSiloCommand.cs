using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StreamLabel.Grains;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// `throughput --multi-silo`: scale-out measured with real silo processes. For each silo count N: a teacher silo
/// (accelerator=gpu, where teachers are placed) and N student silos, each pinned to its own core, share the partitions
/// of one topic through Orleans' queue balancer; a warm-up round, then R rounds of the synthetic stream produced as
/// fast as the producer goes, each timed from the first produced event until the students learned every event, then a
/// latency run at half the median rate. One redis-server and one broker serve every silo count of the run.
/// </summary>
public static class MultiSiloCommand
{
    public static async Task<int> RunAsync(ThroughputOptions o)
    {
        string machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, load average {ProcessCpu.LoadAverage()} at start";
        string pinning = $"student silo i on core i-1 (taskset -c); teacher silo (accelerator=gpu) on core {o.TeacherCore}; broker, redis-server and " +
            "this process (producer, metric polls) not pinned: they run on whichever core is free";
        string settings = EffectiveSettings.Describe(BenchSilo.Settings("(broker process)", "events", o, o.Settings));
        Console.WriteLine($"throughput --multi-silo: silo counts {string.Join(", ", o.SiloCounts)}; {o.Events} events x {o.Rounds} rounds, {o.Keys} keys, {o.Partitions} partitions, MLP {o.Features}-{o.Hidden}-2; {machine}");
        Console.WriteLine($"  pinning: {pinning}");
        Console.WriteLine($"  silo settings: {settings}");

        await using var cluster = new SiloProcesses(SiloDll());
        Console.WriteLine($"  processes log to {cluster.StateDir}");
        await cluster.StartRedisAsync();
        await cluster.StartBrokerAsync(o.Partitions, o.SiloCounts.Select(Topic).Concat(["streamlabel-dead-letters", "streamlabel-predictions"]));
        using var producer = new EventProducer(cluster.Bootstrap);
        var stream = new SyntheticStream(o.Events, o.Keys, o.Features);
        var configurations = new List<MultiSiloConfiguration>();
        foreach (int silos in o.SiloCounts)
        {
            configurations.Add(await MeasureAsync(cluster, producer, stream, o, silos));
            await cluster.StopSilosAsync();
        }

        double speedup = configurations[^1].EventsPerSecond / configurations[0].EventsPerSecond;
        var result = new MultiSiloResult
        {
            Machine = machine, Settings = settings, Pinning = pinning, Events = o.Events, Keys = o.Keys, Partitions = o.Partitions,
            Rounds = o.Rounds, Configurations = configurations, Speedup = speedup,
        };
        Console.WriteLine();
        Console.WriteLine("| silos | cores | events/s (median) | cluster CPU us/event | silo CPU us/event | bench CPU us/event | raw consumer ev/s (CPU us/event) | ÷ raw | p50 / p99 ms at half rate | load average |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var c in configurations)
            Console.WriteLine($"| {c.Silos} | {c.Cores} | {c.EventsPerSecond:N0} ({string.Join(", ", c.EventsPerSecondRounds.Select(r => r.ToString("N0")))}) | " +
                $"{c.ClusterCpuMicrosPerEvent:F1} | {c.SiloCpuMicrosPerEvent:F1} | {c.BenchCpuMicrosPerEvent:F1} | {c.RawConsumerEventsPerSecond:N0} ({c.RawConsumerCpuMicrosPerEvent:F1}) | " +
                $"{c.RatioToRawConsumer:F2} | {c.P50LatencyMs:F0} / {c.P99LatencyMs:F0} at {c.LatencyRateEventsPerSecond:N0} ev/s | {c.LoadAverageStart} → {c.LoadAverageEnd} |");
        Console.WriteLine($"{configurations[0].Silos} silo + teacher silo ÷ raw consumer: {configurations[0].RatioToRawConsumer:F2} (target >= 0.8: {(configurations[0].RatioToRawConsumer >= 0.8 ? "met" : "missed")})");
        Console.WriteLine($"{configurations[^1].Silos} silos ÷ {configurations[0].Silos} silo: {speedup:F2}x (target for 2 ÷ 1: >= 1.8x: {(speedup >= 1.8 ? "met" : "missed")})");
        if (o.Json is { } path)
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, ResultJson.Options));
        return 0;
    }

    private static string Topic(int silos) => $"events-{silos}silo";

    private static async Task<MultiSiloConfiguration> MeasureAsync(SiloProcesses cluster, EventProducer producer, SyntheticStream stream, ThroughputOptions o, int silos)
    {
        string topic = Topic(silos), clusterId = $"bench-{silos}silo";
        var settings = BenchSilo.Settings(cluster.Bootstrap, topic, o, o.Settings);
        settings.TryAdd(TeacherOnGpuSilo.FallbackSetting, "Refuse");
        var urls = new List<string>
        {
            await cluster.StartSiloAsync("silo-gpu", o.TeacherCore, clusterId,
                new Dictionary<string, string?>(settings) { ["Orleans:Metadata:accelerator"] = "gpu", ["Health:AllowCpuOnGpuSilo"] = "true" }),
        };
        for (int i = 1; i <= silos; i++)
            urls.Add(await cluster.StartSiloAsync($"silo-cpu-{i}", i - 1, clusterId, new Dictionary<string, string?>(settings) { ["Orleans:Metadata:accelerator"] = "cpu" }));
        string cores = $"{string.Join("+", Enumerable.Range(0, silos))}, teacher on {o.TeacherCore}";
        Console.WriteLine($"  {silos} silo(s) ready on cores {cores} (cluster '{clusterId}', topic '{topic}'); load average {ProcessCpu.LoadAverage()}");

        using var client = await ConnectAsync(cluster.RedisConnection, clusterId);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var teacher = await TeacherOnGpuSilo.ActivateAsync(grains, "default", TimeSpan.FromMinutes(1));
        Console.WriteLine($"  teacher '{teacher.Group}' on {cluster.NameOf(teacher.Silo)} ({teacher.Device}, accelerator={teacher.SiloMetadata["accelerator"]})");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = urls.Select(u => $"{u}/metrics").ToArray();
        var round = new ClusterRound(cluster, producer, grains, http, metrics, topic, o.Partitions, stream.KeyNames);

        var warm = new SyntheticStream(Math.Min(o.Events, 20_000), o.Keys, o.Features, seed: 5);
        await round.RunAsync(warm, rate: null);
        string students = await round.StudentsPerSiloAsync();
        Console.WriteLine($"  students after the warm-up round: {students}");
        string loadStart = ProcessCpu.LoadAverage();
        var rounds = new List<ClusterRound.Outcome>();
        var raw = new List<(double Rate, double Cpu)>();
        for (int r = 0; r < o.Rounds; r++)
        {
            var x = await round.RunAsync(stream, rate: null);
            rounds.Add(x);
            Console.WriteLine($"  {silos} silo(s), round {r + 1}: {x.EventsPerSecond,9:N0} ev/s end to end ({x.Seconds:F1} s; producer {x.ProducerEventsPerSecond:N0} ev/s), " +
                $"cluster CPU {x.ClusterCpuMicros:F1} us/event ({x.CpuByProcess}); {x.CoreBusy}; load average {ProcessCpu.LoadAverage()}");
            // The ceiling, on the same broker and topic right after the round (the silos idle meanwhile).
            double cpu0 = ThroughputCommand.CpuSeconds();
            double rawRate = RawConsumerBaseline.EventsPerSecond(cluster.Bootstrap, topic, o.Partitions, stream.Count);
            raw.Add((rawRate, (ThroughputCommand.CpuSeconds() - cpu0) * 1e6 / stream.Count));
            Console.WriteLine($"  {silos} silo(s), raw consumer after round {r + 1}: {rawRate,9:N0} ev/s ({raw[^1].Cpu:F1} us CPU/event in this process)");
        }
        double median = Median(rounds.Select(x => x.EventsPerSecond));
        double rawMedian = Median(raw.Select(x => x.Rate));
        var latencyEvents = new SyntheticStream((int)Math.Max(o.Keys, Math.Min(median / 2 * o.LatencySeconds, 15_000.0 * o.Partitions)), o.Keys, o.Features, seed: 9);
        var latency = await round.RunAsync(latencyEvents, rate: median / 2);
        Console.WriteLine($"  {silos} silo(s), latency at {median / 2:N0} ev/s: p50 {latency.P50Ms:F0} ms, p99 {latency.P99Ms:F0} ms ({latency.LatencySamples:N0} events; " +
            $"cluster CPU {latency.ClusterCpuMicros:F1} us/event: {latency.CpuByProcess}; {latency.CoreBusy}); load average {ProcessCpu.LoadAverage()}");
        return new MultiSiloConfiguration
        {
            Silos = silos, Cores = cores, EventsPerSecondRounds = rounds.Select(x => x.EventsPerSecond).ToArray(),
            ProducerEventsPerSecondRounds = rounds.Select(x => x.ProducerEventsPerSecond).ToArray(),
            ClusterCpuMicrosPerEventRounds = rounds.Select(x => x.ClusterCpuMicros).ToArray(), EventsPerSecond = median,
            RawConsumerEventsPerSecondRounds = raw.Select(x => x.Rate).ToArray(), RawConsumerCpuMicrosPerEventRounds = raw.Select(x => x.Cpu).ToArray(),
            RawConsumerEventsPerSecond = rawMedian, RawConsumerCpuMicrosPerEvent = Median(raw.Select(x => x.Cpu)), RatioToRawConsumer = median / rawMedian,
            CpuByProcessRounds = rounds.Select(x => x.CpuByProcess).ToArray(), CoreBusyRounds = rounds.Select(x => x.CoreBusy).ToArray(),
            ClusterCpuMicrosPerEvent = Median(rounds.Select(x => x.ClusterCpuMicros)), SiloCpuMicrosPerEvent = Median(rounds.Select(x => x.SiloCpuMicros)),
            BenchCpuMicrosPerEvent = Median(rounds.Select(x => x.BenchCpuMicros)), LatencyRateEventsPerSecond = median / 2,
            P50LatencyMs = latency.P50Ms, P99LatencyMs = latency.P99Ms, LatencyClusterCpuMicrosPerEvent = latency.ClusterCpuMicros,
            StudentsPerSilo = students, TeacherSilo = cluster.NameOf(teacher.Silo), LoadAverageStart = loadStart, LoadAverageEnd = ProcessCpu.LoadAverage(),
        };
    }

    /// <summary>An Orleans client of the silos' cluster (Redis membership), for the students' metrics.</summary>
    private static async Task<IHost> ConnectAsync(string redis, string clusterId)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(c => c.Configure<ClusterOptions>(x => { x.ClusterId = clusterId; x.ServiceId = clusterId; }).UseRedisClustering(redis));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>src/Silo's Release build beside this checkout (STREAMLABEL_SILO_DLL overrides).</summary>
    private static string SiloDll()
    {
        if (Environment.GetEnvironmentVariable("STREAMLABEL_SILO_DLL") is { Length: > 0 } set) return set;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "Silo", "bin", "Release", "net10.0", "streamlabel-silo.dll");
            if (File.Exists(candidate) || Directory.Exists(Path.Combine(dir.FullName, "src", "Silo"))) return candidate;
        }
        return "src/Silo/bin/Release/net10.0/streamlabel-silo.dll";
    }

    internal static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
