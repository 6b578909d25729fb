using Orleans.Runtime.MembershipService.SiloMetadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime;
using StreamLabel.Streaming.Kafka.Embedded;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>
/// A real single-silo Orleans cluster on free loopback ports (localhost clustering, silo metadata, the Orleans
/// dashboard), the embedded Kafka broker, and the pump that feeds events to the student grains.
/// </summary>
public sealed class LiveCluster : IAsyncLifetime
{
    public const int Partitions = 2;
    public const string ClusterId = "client-tests";
    public EmbeddedKafkaBroker Broker { get; private set; } = null!;
    public IHost Silo { get; private set; } = null!;
    public int GatewayPort { get; private set; }
    private KafkaPump? _pump;

    public static string Dataset => Path.Combine(AppContext.BaseDirectory, "data", "elec2.csv.gz");

    /// <summary>Connection flags for CLI commands against this cluster.</summary>
    public string[] Connect => ["--gateway", $"127.0.0.1:{GatewayPort}", "--cluster-id", ClusterId, "--service-id", ClusterId];

    public async Task InitializeAsync()
    {
        Broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = Partitions, Topics = ["events"] });
        GatewayPort = FreePort.Next();
        int siloPort = FreePort.Next();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddConsole();
        builder.Services.AddSingleton<IntakeStats>();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, GatewayPort)
                .Configure<ClusterOptions>(o => { o.ClusterId = ClusterId; o.ServiceId = ClusterId; })
                .Configure<SiloOptions>(o => o.SiloName = "silo-test-0")
                .UseSiloMetadata(new Dictionary<string, string> { ["accelerator"] = "cpu", ["zone"] = "test" })
                .AddMemoryGrainStorage("models")
                .AddDashboard();
        });
        Silo = builder.Build();
        await Silo.StartAsync();
        var local = Silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        _pump = new KafkaPump(Broker.BootstrapServers, "events", Silo.Services.GetRequiredService<IGrainFactory>(),
            Silo.Services.GetRequiredService<IntakeStats>(), local);
        _pump.Start(Partitions);
    }

    /// <summary>Sets a key's spec through the CLI, as an operator would before replaying.</summary>
    public async Task SetElec2SpecAsync(string key)
    {
        var r = await CliRunner.RunAsync(["spec", "set", key, "--features", "8", "--classes", "DOWN,UP", "--hidden", "none", "--learning-rate", "0.1", "--json", .. Connect]);
        if (r.ExitCode != 0) throw new InvalidOperationException("spec set failed: " + r);
    }

    /// <summary>`streamlabel replay` of Elec2 into the broker for one key.</summary>
    public Task<CliRunner.Result> ReplayAsync(string key, int events, double rate, double? driftAt = null, bool progress = false) =>
        CliRunner.RunAsync(["replay", Dataset, "--label-column", "class", "--key", key, "--events", events.ToString(), "--rate", rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--noise", "0.2", "--seed", "7", "--bootstrap", Broker.BootstrapServers, "--json", .. progress ? Array.Empty<string>() : ["--no-progress"],
            .. driftAt is double d ? new[] { "--drift-at", d.ToString(System.Globalization.CultureInfo.InvariantCulture) } : []]);

    /// <summary>Waits until a model has seen at least <paramref name="events"/> events (read through the cluster).</summary>
    public async Task WaitForEventsAsync(string key, long events, TimeSpan timeout)
    {
        var client = Silo.Services.GetRequiredService<IGrainFactory>();
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var m = await client.GetGrain<StreamLabel.Grains.IStudentGrain>(key).GetMetricsAsync();
            if (m.EventsSeen >= events) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"model '{key}' did not reach {events} events within {timeout.TotalSeconds} s");
    }

    public async Task DisposeAsync()
    {
        if (_pump is not null) await _pump.DisposeAsync();
        if (Silo is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await Silo.StopAsync(stop.Token); } catch (OperationCanceledException) { }
            Silo.Dispose();
        }
        Broker?.Dispose();
    }
}
