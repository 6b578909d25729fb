using Microsoft.AspNetCore.Builder;
using StreamLabel.Client.Dashboard;
using StreamLabel.Client.Connection;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>
/// One live cluster for the cluster, dashboard and browser tests: spec set and a replay of Elec2 (20% label noise,
/// drift at half) through `streamlabel` itself, processed before the tests start; plus a dashboard on a free port.
/// </summary>
public sealed class LiveFixture : IAsyncLifetime
{
    public const string Key = "elec2";
    public const int Events = 6000;
    public LiveCluster Cluster { get; } = new();
    public WebApplication Dashboard { get; private set; } = null!;
    public string DashboardUrl { get; private set; } = "";
    public CliRunner.Result Replay { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Cluster.InitializeAsync();
        await Cluster.SetElec2SpecAsync(Key);
        Replay = await Cluster.ReplayAsync(Key, Events, rate: 0, driftAt: 0.5);
        if (Replay.ExitCode != 0) throw new InvalidOperationException("replay failed: " + Replay);
        await Cluster.WaitForEventsAsync(Key, Events, TimeSpan.FromSeconds(60));
        Dashboard = DashboardServer.Build(new DashboardSettings { Urls = "http://127.0.0.1:0", RefreshMs = 300 }, ConnectionFor(Cluster));
        await Dashboard.StartAsync();
        DashboardUrl = DashboardServer.ListeningUrls(Dashboard).First().TrimEnd('/');
    }

    public static ConnectionSettings ConnectionFor(LiveCluster c) =>
        new() { GatewayPort = c.GatewayPort, ClusterId = LiveCluster.ClusterId, ServiceId = LiveCluster.ClusterId };

    public async Task DisposeAsync()
    {
        if (Dashboard is not null) { await Dashboard.StopAsync(); await Dashboard.DisposeAsync(); }
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LiveCollection : ICollectionFixture<LiveFixture>
{
    public const string Name = "live cluster";
}
