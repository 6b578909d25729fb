using System.Text.Json;
using Microsoft.Playwright;
using StreamLabel.Client.Connection;
using StreamLabel.Client.Dashboard;
using StreamLabel.Client.Tests.Infrastructure;

namespace StreamLabel.Client.Tests;

/// <summary>
/// The CLI and the dashboard against the real silo host process (src/Silo: StudentGrain on TorchSharp, the Kafka stream
/// provider, its embedded broker), fed by `streamlabel replay`, as users run it.
/// </summary>
public sealed class RealSiloTests
{
    private const string Key = "real-e2e";
    private const int Events = 3000;

    [Fact]
    public async Task A_replay_through_the_real_silo_shows_in_the_cli_and_the_dashboard()
    {
        await using var silo = new SiloProcess();
        var status = (await silo.WaitForGatewayAsync(TimeSpan.FromSeconds(90))).Json();
        var entry = Assert.Single(status.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", entry.GetProperty("status").GetString());
        if (status.GetProperty("clusterInfoError").ValueKind == JsonValueKind.Null)
            Assert.Equal("cpu", entry.GetProperty("metadata").GetProperty("accelerator").GetString()); // src/Silo/appsettings.json
        else
            Assert.Contains("IClusterInfoGrain", status.GetProperty("clusterInfoError").GetString()); // silo side not there yet

        string[] connect = silo.Connect;
        async Task<CliRunner.Result> Run(params string[] args)
        {
            var r = await CliRunner.RunAsync([.. args, .. connect]);
            Assert.True(r.ExitCode == 0, r + "\nsilo output:\n" + silo.Output);
            return r;
        }

        await Run("spec", "set", Key, "--features", "8", "--classes", "DOWN,UP", "--hidden", "none", "--learning-rate", "0.05", "--teacher-group", "none");
        var replay = await CliRunner.RunAsync("replay", LiveCluster.Dataset, "--label-column", "class", "--key", Key, "--events", $"{Events}",
            "--noise", "0.2", "--drift-at", "0.5", "--bootstrap", await silo.BootstrapAsync(TimeSpan.FromSeconds(5)), "--no-progress");
        Assert.True(replay.ExitCode == 0, replay.ToString());

        // The silo reads the topic through its Kafka stream provider; wait until the student has seen every event.
        JsonElement row = default;
        for (var until = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < until; await Task.Delay(500))
        {
            row = (await Run("models", "--json")).Json().EnumerateArray().FirstOrDefault(m => m.GetProperty("key").GetString() == Key);
            if (row.ValueKind == JsonValueKind.Object && row.GetProperty("eventsSeen").GetInt64() >= Events) break;
        }
        Assert.True(row.ValueKind == JsonValueKind.Object && row.GetProperty("eventsSeen").GetInt64() == Events, $"model row: {row}\nsilo output:\n{silo.Output}");
        Assert.Equal(Events, row.GetProperty("eventsLearned").GetInt64());
        Assert.InRange(row.GetProperty("accuracy").GetDouble(), 0.0, 1.0);

        var detail = (await Run("model", Key, "--json")).Json();
        Assert.True(detail.GetProperty("series").GetArrayLength() >= 5, detail.GetProperty("series").ToString()); // one point per >= 100 learned (per batch)
        var prediction = (await Run("predict", Key, "--features", "0,2,0.5,0.06,0.42,0.003,0.42,0.41", "--json")).Json();
        Assert.Equal(1.0, prediction.GetProperty("probabilities").EnumerateArray().Sum(p => p.GetDouble()), 3);

        // The dashboard on this cluster, in headless Chromium.
        var connection = new ConnectionSettings { GatewayPort = silo.GatewayPort, ClusterId = silo.ClusterId, ServiceId = silo.ClusterId };
        await using var app = DashboardServer.Build(new DashboardSettings { Urls = "http://127.0.0.1:0", RefreshMs = 300 }, connection);
        await app.StartAsync();
        var browser = new Browser();
        await browser.InitializeAsync();
        try
        {
            var page = await browser.Context.NewPageAsync();
            await page.GotoAsync(DashboardServer.ListeningUrls(app).First().TrimEnd('/') + "/model.html?key=" + Key);
            await page.WaitForFunctionAsync("() => Number(document.querySelector('#chart-accuracy').dataset.points) >= 5", null, new() { Timeout = 20_000 });
            foreach (var chart in new[] { "chart-corrections", "chart-agreement", "chart-loss" })
                Assert.True(int.Parse(await page.GetAttributeAsync("#" + chart, "data-points") ?? "0") >= 5, chart);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Directory("screenshots"), "real-silo-model.png"), FullPage = true });
        }
        finally
        {
            await browser.DisposeAsync();
            await app.StopAsync();
        }

        var unknown = await CliRunner.RunAsync(["model", "not-there", .. connect]);
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("no model 'not-there'", unknown.Error);
    }
}
