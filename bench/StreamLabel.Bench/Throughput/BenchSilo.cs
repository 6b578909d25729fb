using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using StreamLabel.Grains;
using StreamLabel.Grains.Hosting;
using StreamLabel.Streaming.Kafka;
using StreamLabel.Streaming.Kafka.Hosting;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// One silo in this process wired like src/Silo: localhost clustering, memory storage "models", the Kafka provider
/// and the StreamLabel grains, every student matching one spec pattern. Tagged accelerator=gpu so the teacher lives
/// here too (on the CPU: no GPU), so teacher pulls at the default period are part of the measured path.
/// </summary>
public sealed class BenchSilo(IHost host) : IAsyncDisposable
{
    private static int _instances;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's model bank worker (students' steps and the bank steps they were coalesced into).</summary>
    public StreamLabel.Learning.Bank.BankSchedulerSet Bank => host.Services.GetRequiredService<StreamLabel.Learning.Bank.BankSchedulerSet>();

    /// <summary>The process's counts at the start and end of the last <see cref="MeasureUntilAsync"/> window, and its events.</summary>
    public (RuntimeCounts Start, RuntimeCounts End, long Events)? LastWindow { get; private set; }

    public static async Task<BenchSilo> StartAsync(string bootstrap, string topic, ThroughputOptions o, IDictionary<string, string?> overrides)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(bootstrap, topic, o, overrides)).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Warnings of our own code; Orleans and Polly only when critical (stopping the warm-up silo logs storage errors
        // of students persisting after the storage went away).
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Critical).AddFilter("Polly", LogLevel.Critical);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: 21111 + Interlocked.Increment(ref _instances), gatewayPort: 0)
                .AddMemoryGrainStorage("models")
                .AddMemoryGrainStorage("PubSubStore")
                .UseSiloMetadata(new Dictionary<string, string> { ["accelerator"] = "gpu" })
                .AddKafkaStreams("kafka", configuration.GetSection(KafkaStreamOptions.Section))
                .AddStreamLabelGrains(configuration);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    /// <summary>The configuration a bench silo gets: the bench's shape (topic, model spec, step sizes) over the silo's
    /// defaults, then the --set overrides. Every Student and Kafka setting not named here is the silo's default.</summary>
    public static Dictionary<string, string?> Settings(string bootstrap, string topic, ThroughputOptions o, IDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrap,
            ["Kafka:Topics:0"] = topic,
            ["Kafka:ConsumerGroup"] = $"streamlabel-bench-{topic}",
            // As src/Silo sets it for the embedded broker (see EmbeddedKafkaBroker.ConsumerFetchWait).
            ["Kafka:FetchWaitMax"] = StreamLabel.Streaming.Kafka.Embedded.EmbeddedKafkaBroker.ConsumerFetchWait.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Student:TorchThreads"] = o.TorchThreads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Student:MaxBatchSize"] = o.Batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Student:MaxBacklogBatchSize"] = o.BacklogBatch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Models:Patterns:0:Pattern"] = "*",
            ["Models:Patterns:0:FeatureCount"] = o.Features.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Models:Patterns:0:Classes:0"] = SyntheticStream.Classes[0],
            ["Models:Patterns:0:Classes:1"] = SyntheticStream.Classes[1],
            ["Models:Patterns:0:HiddenLayers:0"] = o.Hidden.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in overrides) settings[k] = v;
        return settings;
    }

    /// <summary>Sum of EventsSeen over the given students.</summary>
    public async Task<long> EventsSeenAsync(IEnumerable<string> keys)
    {
        var metrics = await Task.WhenAll(keys.Select(k => Grains.GetGrain<IStudentGrain>(k).GetMetricsAsync()));
        return metrics.Sum(m => m.EventsSeen);
    }

    /// <summary>
    /// Polls the students every 25 ms until they have seen <paramref name="target"/> events; the rate is taken from the
    /// first poll that saw learning to the last (silo start-up and partition assignment excluded), with the events
    /// learned before that first poll left out.
    /// </summary>
    public async Task<(double EventsPerSecond, double Seconds, double CpuMicrosPerEvent, double AllocatedBytesPerEvent)> MeasureUntilAsync(IReadOnlyList<string> keys, long target, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        long seen, first = -1, allocated0 = 0;
        double cpu0 = 0;
        RuntimeCounts? counts0 = null;
        var clock = new System.Diagnostics.Stopwatch();
        while ((seen = await EventsSeenAsync(keys)) < target)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"students learned {seen} of {target} events within {timeout}");
            if (first < 0 && seen > 0) { first = seen; clock.Start(); counts0 = RuntimeCounts.Take(); cpu0 = ThroughputCommand.CpuSeconds(); allocated0 = GC.GetTotalAllocatedBytes(); }
            await Task.Delay(25); // the poll itself costs the silo 16 grain calls
        }
        if (first < 0) first = 0;
        double cpu = ThroughputCommand.CpuSeconds() - cpu0;
        long allocated = GC.GetTotalAllocatedBytes() - allocated0;
        LastWindow = counts0 is null ? null : (counts0, RuntimeCounts.Take(), target - first);
        return ((target - first) / clock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds, cpu * 1e6 / (target - first), allocated / (double)(target - first));
    }

    /// <summary>Polls the students until they have seen <paramref name="target"/> events in all.</summary>
    public async Task WaitForEventsAsync(IReadOnlyList<string> keys, long target, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        long seen;
        while ((seen = await EventsSeenAsync(keys)) < target)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"students learned {seen} of {target} events within {timeout}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await host.StopAsync(stop.Token); } catch (OperationCanceledException) { }
        host.Dispose();
    }
}
