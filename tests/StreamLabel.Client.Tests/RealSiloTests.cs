using System.Text.Json;
using StreamLabel.Client.Connection;
using StreamLabel.Client.Dashboard;
using StreamLabel.Client.Tests.Infrastructure;

namespace StreamLabel.Client.Tests;

/// <summary>
/// The real silo host process (src/Silo: StudentGrain and TeacherGrain on TorchSharp, the Kafka stream provider, its
/// embedded broker), a spec set and a replay through `streamlabel` itself, processed before the tests start.
/// </summary>
public sealed class RealSiloFixture : IAsyncLifetime
{
    public const string Key = "real-e2e";
    public const int Events = 3000;
    public SiloProcess Silo { get; } = new();
    public JsonElement InitialStatus { get; private set; }

    public async Task InitializeAsync()
    {
        InitialStatus = (await Silo.WaitForGatewayAsync(TimeSpan.FromSeconds(90))).Json();
        await Run("spec", "set", Key, "--features", "8", "--classes", "DOWN,UP", "--hidden", "none", "--learning-rate", "0.05");
        var replay = await CliRunner.RunAsync("replay", LiveCluster.Dataset, "--label-column", "class", "--key", Key, "--events", $"{Events}",
            "--noise", "0.2", "--drift-at", "0.5", "--bootstrap", await Silo.BootstrapAsync(TimeSpan.FromSeconds(5)), "--no-progress");
        if (replay.ExitCode != 0) throw new InvalidOperationException("replay failed: " + replay);
        // The silo reads the topic through its Kafka stream provider; wait until the student has seen every event.
        for (var until = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < until; await Task.Delay(500))
        {
            var row = (await Run("models", "--json")).Json().EnumerateArray().FirstOrDefault(m => m.GetProperty("key").GetString() == Key);
            if (row.ValueKind == JsonValueKind.Object && row.GetProperty("eventsSeen").GetInt64() >= Events) return;
        }
        throw new TimeoutException($"'{Key}' did not see {Events} events:\n{Silo.Output}");
    }

    public async Task<CliRunner.Result> Run(params string[] args)
    {
        var r = await CliRunner.RunAsync([.. args, .. Silo.Connect]);
        if (r.ExitCode != 0) throw new Xunit.Sdk.XunitException($"streamlabel {string.Join(' ', args)}: {r}\nsilo output:\n{Silo.Output}");
        return r;
    }

    public ConnectionSettings Connection => new() { GatewayPort = Silo.GatewayPort, ClusterId = Silo.ClusterId, ServiceId = Silo.ClusterId };

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

/// <summary>The CLI and the dashboard against the real silo host, as users run it.</summary>
public sealed class RealSiloTests(RealSiloFixture real) : IClassFixture<RealSiloFixture>
{
    private const string Key = RealSiloFixture.Key;

    [Fact]
    public void Status_lists_the_real_silo()
    {
        var entry = Assert.Single(real.InitialStatus.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", entry.GetProperty("status").GetString());
        Assert.StartsWith("127.0.0.1:", entry.GetProperty("address").GetString());
        if (real.InitialStatus.GetProperty("clusterInfoError").ValueKind == JsonValueKind.Null)
            Assert.Equal("cpu", entry.GetProperty("metadata").GetProperty("accelerator").GetString()); // src/Silo/appsettings.json
        else
            Assert.Contains("IClusterInfoGrain", real.InitialStatus.GetProperty("clusterInfoError").GetString()); // silo side not there yet
    }

    [Fact]
    public async Task Models_model_and_predict_show_what_the_real_student_learned()
    {
        var row = (await real.Run("models", "--json")).Json().EnumerateArray().Single(m => m.GetProperty("key").GetString() == Key);
        Assert.Equal(RealSiloFixture.Events, row.GetProperty("eventsSeen").GetInt64());
        Assert.Equal(RealSiloFixture.Events, row.GetProperty("eventsLearned").GetInt64());
        Assert.InRange(row.GetProperty("accuracy").GetDouble(), 0.0, 1.0);
        Assert.True(row.GetProperty("modelVersion").GetInt32() >= 1);

        var detail = (await real.Run("model", Key, "--json")).Json();
        Assert.True(detail.GetProperty("series").GetArrayLength() >= 5, detail.GetProperty("series").ToString()); // one point per batch at most
        Assert.Equal(8, detail.GetProperty("spec").GetProperty("featureCount").GetInt32());
        Assert.Contains("WINDOW_ACC", (await real.Run("model", Key)).Out);
        Assert.Contains(Key, (await real.Run("models")).Out);

        var prediction = (await real.Run("predict", Key, "--features", "0,2,0.5,0.06,0.42,0.003,0.42,0.41", "--json")).Json();
        Assert.Equal(1.0, prediction.GetProperty("probabilities").EnumerateArray().Sum(p => p.GetDouble()), 3);
        Assert.Contains(prediction.GetProperty("predictedClass").GetString(), new[] { "DOWN", "UP" });

        var unknown = await CliRunner.RunAsync(["model", "not-there", .. real.Silo.Connect]);
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("no model 'not-there'", unknown.Error);
    }

    [Fact]
    public async Task Spec_show_returns_what_spec_set_stored()
    {
        var spec = (await real.Run("spec", "show", Key, "--json")).Json().GetProperty("spec");
        Assert.Equal(["DOWN", "UP"], spec.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(0.05, spec.GetProperty("learningRate").GetDouble());
    }

    [Fact]
    public async Task Teacher_status_reports_the_real_teacher_and_a_bad_checkpoint_is_refused()
    {
        var teacher = (await real.Run("teacher", "status", "--group", "default", "--json")).Json().EnumerateArray().Single();
        Assert.Equal("default", teacher.GetProperty("group").GetString());
        Assert.Equal("cpu", teacher.GetProperty("siloMetadata").GetProperty("accelerator").GetString()); // no GPU silo: the fallback
        var file = Path.Combine(Path.GetTempPath(), $"not-a-checkpoint-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, [1, 2, 3, 4, 5]);
        var load = await CliRunner.RunAsync(["teacher", "load", file, "--group", "default", .. real.Silo.Connect]);
        Assert.True(load.ExitCode == 1, load.ToString());
        Assert.Contains("teacher load failed", load.Error);
    }

    [Fact]
    public async Task Dashboard_pages_show_the_real_cluster_in_chromium()
    {
        await using var app = DashboardServer.Build(new DashboardSettings { Urls = "http://127.0.0.1:0", RefreshMs = 300 }, real.Connection);
        await app.StartAsync();
        var browser = new Browser();
        await browser.InitializeAsync();
        var shots = Artifacts.Directory("screenshots");
        try
        {
            string baseUrl = DashboardServer.ListeningUrls(app).First().TrimEnd('/');
            var page = await browser.Context.NewPageAsync();
            await page.GotoAsync(baseUrl + "/model.html?key=" + Key);
            await page.WaitForFunctionAsync("() => Number(document.querySelector('#chart-accuracy').dataset.points) >= 5", null, new() { Timeout = 20_000 });
            foreach (var chart in new[] { "chart-corrections", "chart-agreement", "chart-loss" })
                Assert.True(int.Parse(await page.GetAttributeAsync("#" + chart, "data-points") ?? "0") >= 5, chart);
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "real-silo-model.png"), FullPage = true });

            await page.GotoAsync(baseUrl + "/models.html");
            await page.WaitForFunctionAsync($"() => document.querySelector('#models').innerText.includes('{Key}')", null, new() { Timeout = 20_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "real-silo-models.png"), FullPage = true });

            await page.GotoAsync(baseUrl + "/index.html");
            await page.WaitForFunctionAsync("() => document.querySelector('#silos').innerText.includes('Active')", null, new() { Timeout = 20_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "real-silo-overview.png"), FullPage = true });
        }
        finally
        {
            await browser.DisposeAsync();
            await app.StopAsync();
        }
    }
}
