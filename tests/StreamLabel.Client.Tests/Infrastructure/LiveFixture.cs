using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using StreamLabel.Client.Dashboard;
using StreamLabel.Client.Connection;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>
/// One real silo for the cluster, dashboard and browser tests: spec set and a replay of Elec2 (20% label noise, classes
/// swapped at half) through `streamlabel` itself, plus a few unparseable records, all processed by the silo's Kafka
/// provider and StudentGrain before the tests start; and a dashboard on a free port.
/// </summary>
public sealed class LiveFixture : IAsyncLifetime
{
    public const string Key = "elec2";
    public const int Events = 6000;
    public const int BadRecords = 3;
    public LiveCluster Cluster { get; } = new();
    public WebApplication Dashboard { get; private set; } = null!;
    public string DashboardUrl { get; private set; } = "";
    public CliRunner.Result Replay { get; private set; } = null!;
    /// <summary>`status --json` once every replayed event is committed and the dead letters are counted.</summary>
    public JsonElement SettledStatus { get; private set; }

    public async Task InitializeAsync()
    {
        await Cluster.StartAsync();
        await Cluster.SetElec2SpecAsync(Key);
        // Paced (about 4 s) so the student's periodic teacher pulls (Student:TeacherPullInterval) land during the stream.
        Replay = await Cluster.ReplayAsync(Key, Events, rate: 1500, driftAt: 0.5);
        if (Replay.ExitCode != 0) throw new InvalidOperationException("replay failed: " + Replay);
        await Cluster.ProduceBadRecordsAsync(Key, BadRecords);
        await Cluster.WaitForEventsAsync(Key, Events, TimeSpan.FromSeconds(120));
        SettledStatus = await Cluster.WaitForStatusAsync(
            s => s.GetProperty("consumerLag").ValueKind == JsonValueKind.Number && s.GetProperty("consumerLag").GetInt64() == 0
                 && s.GetProperty("deadLetters").GetInt64() >= BadRecords,
            "no consumer lag and the dead letters", TimeSpan.FromSeconds(60));
        Dashboard = DashboardServer.Build(new DashboardSettings { Urls = "http://127.0.0.1:0", RefreshMs = 300 }, Connection);
        await Dashboard.StartAsync();
        DashboardUrl = DashboardServer.ListeningUrls(Dashboard).First().TrimEnd('/');
    }

    public ConnectionSettings Connection =>
        new() { GatewayPort = Cluster.Silo.GatewayPort, ClusterId = Cluster.Silo.ClusterId, ServiceId = Cluster.Silo.ClusterId };

    public async Task DisposeAsync()
    {
        if (Dashboard is not null)
        {
            // Open server-sent event streams end with the stop token, so the stop is bounded.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Dashboard.StopAsync(stop.Token);
            await Dashboard.DisposeAsync();
        }
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LiveCollection : ICollectionFixture<LiveFixture>
{
    public const string Name = "live cluster";
}
