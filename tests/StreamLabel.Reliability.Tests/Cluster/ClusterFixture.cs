using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StreamLabel.Grains;

namespace StreamLabel.Reliability.Tests.Cluster;

/// <summary>
/// One multi-process cluster for the whole suite, started by the launcher: redis-server, the embedded broker and three
/// silo processes (two cpu, one gpu). The tests reach it like operators do: an Orleans client through Redis clustering,
/// Kafka clients on the broker's address. Every process is stopped on dispose, at process exit, and by the launcher's
/// watchdog should this process die first.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string Topic = "events";
    public const string DeadLetterTopic = "streamlabel-dead-letters";
    public const int Partitions = 4;
    /// <summary>Records above this are dead-lettered as oversized (Kafka:MaxRecordBytes, lowered from 1 MiB for the test).</summary>
    public const int MaxRecordBytes = 64 * 1024;
    public const string SoloKeyPrefix = "solo-";

    /// <summary>redis-server requires this password; unique per run, so searching the logs for it finds any leak.</summary>
    public static readonly string RedisPassword = "redis-secret-" + Guid.NewGuid().ToString("N");

    /// <summary>Silo settings, as the environment variables the launcher passes on to every silo.</summary>
    private static readonly Dictionary<string, string> SiloSettings = new()
    {
        ["STREAMLABEL_TOPICS"] = Topic,
        ["STREAMLABEL_PARTITIONS"] = Partitions.ToString(),
        ["STREAMLABEL_REDIS_PASSWORD"] = RedisPassword,
        ["Cluster__ClusterId"] = "reliability",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Orleans"] = "Warning",
        ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
        // Keys "solo-*" carry all 8 Elec2 features; every other key is a day of Elec2 (the day column is the key).
        ["Models__Patterns__0__Pattern"] = SoloKeyPrefix + "*",
        ["Models__Patterns__0__FeatureCount"] = "8",
        ["Models__Patterns__0__Classes__0"] = "DOWN",
        ["Models__Patterns__0__Classes__1"] = "UP",
        ["Models__Patterns__1__Pattern"] = "*",
        ["Models__Patterns__1__FeatureCount"] = "7",
        ["Models__Patterns__1__Classes__0"] = "DOWN",
        ["Models__Patterns__1__Classes__1"] = "UP",
        ["Student__PersistInterval"] = "00:00:01",
        ["Student__TeacherPullInterval"] = "00:00:01",
        ["Teacher__WarmupSamples"] = "200",
        ["Teacher__Placement__Fallback"] = "AnySilo",
        ["Kafka__DurabilityPollInterval"] = "00:00:00.300",
        ["Kafka__RedeliverAfter"] = "00:00:10",
        ["Kafka__MaxRecordBytes"] = MaxRecordBytes.ToString(),
        // Shorter than the outage tests' outages (librdkafka's default is 5 min), so predictions and dead letters produced
        // while the broker is away time out and fail their delivery, which must then be redelivered, not lost. The
        // linger keeps the last 200 ms of predictions in the producer, so some are always there when the broker goes.
        [$"Kafka__Client__{ProducerTimeoutSetting}"] = ProducerTimeoutMs.ToString(),
        ["Kafka__Client__linger.ms"] = "200",
    };

    public const string ProducerTimeoutSetting = "message.timeout.ms";
    public const int ProducerTimeoutMs = 5000;

    public LocalCluster Cluster { get; } = new(
        Path.Combine(Path.GetTempPath(), "streamlabel-reliability-" + Guid.NewGuid().ToString("N")[..8]), SiloSettings);

    private IHost? _client;
    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        Cluster.Up(TimeSpan.FromMinutes(4));
        _client = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(c => c
                .UseRedisClustering(Cluster.RedisConnection)
                .Configure<ClusterOptions>(o => { o.ClusterId = Cluster.ClusterId; o.ServiceId = Cluster.ClusterId; })
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10)))
            .Build();
        await _client.StartAsync();
    }

    /// <summary>Restarts any silo a previous test killed, so each test starts from the full topology.</summary>
    public void EnsureAllSilosRunning()
    {
        foreach (var silo in LocalCluster.Silos)
            if (Cluster.Pid(silo) is null) Cluster.Start(silo);
    }

    /// <summary>Metrics of each key, or null for a key whose call failed (e.g. its silo just died).</summary>
    public async Task<ModelMetrics?[]> MetricsAsync(IEnumerable<string> keys) =>
        await Task.WhenAll(keys.Select(async k =>
        {
            try { return await Client.GetGrain<IStudentGrain>(k).GetMetricsAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (Exception e) when (e is not OutOfMemoryException) { return null; }
        }));

    public async Task<long> TotalSeenAsync(IEnumerable<string> keys) => (await MetricsAsync(keys)).Sum(m => m?.EventsSeen ?? 0);

    private void OnExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        try { Cluster.Down(); } catch (Exception) { /* best effort at exit; the watchdog remains */ }
        // Keep the processes' logs where CI collects artifacts.
        try
        {
            var logs = Directory.CreateDirectory(Path.Combine(LocalCluster.RepoRoot, "artifacts", "reliability", "logs"));
            foreach (var log in Directory.EnumerateFiles(Cluster.StateDir, "*.log"))
                File.Copy(log, Path.Combine(logs.FullName, Path.GetFileName(log)), overwrite: true);
            Directory.Delete(Cluster.StateDir, recursive: true);
        }
        catch (IOException) { }
    }

    public async Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        if (_client is not null)
        {
            try { await _client.StopAsync(TimeSpan.FromSeconds(10)); } catch (Exception) { }
            _client.Dispose();
        }
        Stop();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "multi-process cluster";
}
