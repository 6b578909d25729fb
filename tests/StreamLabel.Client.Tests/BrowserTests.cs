using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using StreamLabel.Client.Dashboard;
using StreamLabel.Client.Tests.Infrastructure;

namespace StreamLabel.Client.Tests;

/// <summary>
/// The dashboard in headless Chromium against the live cluster: every page loads with data, the charts draw points
/// from the cluster and grow while a replay runs, and each page is saved as a screenshot under artifacts/screenshots/.
/// </summary>
[Collection(LiveCollection.Name)]
public sealed class BrowserTests(LiveFixture live) : IAsyncLifetime
{
    private readonly Browser _browser = new();
    private static readonly string Shots = Artifacts.Directory("screenshots");

    public Task InitializeAsync() => _browser.InitializeAsync();
    public Task DisposeAsync() => _browser.DisposeAsync();

    private async Task<IPage> Open(string path, string? baseUrl = null)
    {
        var page = await _browser.Context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync((baseUrl ?? live.DashboardUrl) + path);
        // Wait for two live updates, so the page has drawn cluster data at least once after load.
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.updates || 0) >= 2", null, new() { Timeout = 20_000 });
        Assert.True(errors.Count == 0, "page errors: " + string.Join("; ", errors));
        return page;
    }

    private static async Task<int> Points(IPage page, string canvas) =>
        int.Parse(await page.GetAttributeAsync("#" + canvas, "data-points") ?? "0");

    [Fact]
    public async Task Cluster_overview_shows_the_silo_metadata_and_throughput()
    {
        var page = await Open("/index.html");
        var silos = await page.InnerTextAsync("#silos");
        Assert.Contains(LiveCluster.SiloName, silos);
        Assert.Contains("accelerator=gpu", silos);
        Assert.Equal(LiveFixture.BadRecords.ToString(), (await page.InnerTextAsync("#card-dlq .value")).Trim());
        Assert.Contains("high watermark", await page.InnerTextAsync("#partitions"));
        Assert.Contains("events", await page.InnerTextAsync("#partitions"));
        Assert.NotEqual("0", (await page.InnerTextAsync("#card-models .value")).Trim());
        await page.WaitForFunctionAsync("() => Number(document.querySelector('#throughput').dataset.points) >= 3", null, new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "cluster-overview.png"), FullPage = true });
    }

    [Fact]
    public async Task Models_list_sorts_by_a_clicked_column()
    {
        await AddSmallModelAsync(); // a second, smaller model so the order can be checked
        var page = await Open("/models.html");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#models tbody tr')].some(r => r.innerText.startsWith('aaa-small'))", null, new() { Timeout = 20_000 });
        await page.ClickAsync("#models th:has-text('events seen')");
        await page.WaitForSelectorAsync("#models th.sorted-asc");
        var ascending = await SeenColumn(page);
        Assert.Equal(ascending.Order().ToList(), ascending);
        await page.ClickAsync("#models th:has-text('events seen')");
        await page.WaitForSelectorAsync("#models th.sorted-desc");
        var descending = await SeenColumn(page);
        Assert.Equal(descending.OrderDescending().ToList(), descending);
        Assert.True(descending[0] > descending[^1], "the models should differ in events seen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "models.png"), FullPage = true });
        await page.ClickAsync($"#models a:has-text('{LiveFixture.Key}')");
        // The navigation's commit, not the default load event, which Playwright can fail to report on a busy machine:
        // the model page's own live updates and its spec show it opened for this key.
        await page.WaitForURLAsync("**/model.html?key=" + LiveFixture.Key, new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.updates || 0) >= 2", null, new() { Timeout = 20_000 });
        Assert.Contains("DOWN, UP", await page.InnerTextAsync("#spec"));
    }

    [Fact]
    public async Task Models_list_pages_in_key_order()
    {
        await AddSmallModelAsync(); // "aaa-small" sorts before every other key of the live cluster
        var page = await Open("/models.html?limit=1");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#models tbody tr').length === 1 && document.querySelector('#pager a')", null, new() { Timeout = 20_000 });
        Assert.StartsWith("aaa-small", await page.InnerTextAsync("#models tbody tr"));
        await page.ClickAsync("#pager a:has-text('next page')");
        await page.WaitForURLAsync("**/models.html?limit=1&after=aaa-small", new() { WaitUntil = WaitUntilState.Commit }); // as above
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#models tbody tr').length === 1", null, new() { Timeout = 20_000 });
        var second = await page.InnerTextAsync("#models tbody tr");
        Assert.False(second.StartsWith("aaa-small", StringComparison.Ordinal), second);
        Assert.Contains("keys after aaa-small", await page.InnerTextAsync("#pager"));
    }

    // Model "aaa-small", with at least 300 events learned.
    private async Task AddSmallModelAsync()
    {
        await live.Cluster.SetElec2SpecAsync("aaa-small");
        Assert.Equal(0, (await live.Cluster.ReplayAsync("aaa-small", 300, rate: 0)).ExitCode);
        await live.Cluster.WaitForEventsAsync("aaa-small", 300, TimeSpan.FromSeconds(30));
    }

    private static async Task<List<long>> SeenColumn(IPage page) =>
        (await page.Locator("#models tbody tr td:nth-child(2)").AllInnerTextsAsync()).Select(t => long.Parse(t.Replace(",", ""))).ToList();

    [Fact]
    public async Task Model_detail_charts_have_data_and_drift_markers()
    {
        var page = await Open("/model.html?key=" + LiveFixture.Key);
        foreach (var chart in new[] { "chart-accuracy", "chart-corrections", "chart-agreement", "chart-loss" })
            Assert.True(await Points(page, chart) >= LiveFixture.Events / 256 - 1, $"{chart} has {await Points(page, chart)} points");
        Assert.True(int.Parse(await page.GetAttributeAsync("#chart-accuracy", "data-markers") ?? "0") >= 1, "no drift marker on the accuracy chart");
        Assert.Contains("adwin", await page.InnerTextAsync("#drifts"));
        Assert.Contains("DOWN, UP", await page.InnerTextAsync("#spec"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "model-detail.png"), FullPage = true });
    }

    [Fact]
    public async Task A_tuned_model_shows_its_served_arm_and_one_reward_line_per_arm()
    {
        const string key = "elec2-tuned";
        await live.Cluster.SetElec2SpecAsync(key);
        await live.Cluster.RunOkAsync("spec", "set", key, "--tuning", "bandit", "--tuning-arms", "spec,plain,quick", "--json");
        Assert.Equal(0, (await live.Cluster.ReplayAsync(key, 1500, rate: 20_000)).ExitCode);
        await live.Cluster.WaitForEventsAsync(key, 1500, TimeSpan.FromSeconds(60));
        var page = await Open("/model.html?key=" + key);
        await page.WaitForFunctionAsync("() => Number(document.querySelector('#chart-arms').dataset.lines) === 3", null, new() { Timeout = 30_000 });
        Assert.True(await page.IsVisibleAsync("#tuning-chart"));
        Assert.Contains("served arm", await page.InnerTextAsync("#cards"));
        Assert.False(await (await Open("/model.html?key=" + LiveFixture.Key)).IsVisibleAsync("#tuning-chart")); // untuned: no arm chart
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "model-tuned.png"), FullPage = true });
    }

    [Fact]
    public async Task Model_detail_charts_update_during_a_live_replay()
    {
        const string key = "elec2-live";
        await live.Cluster.SetElec2SpecAsync(key);
        var replay = live.Cluster.ReplayAsync(key, 3000, rate: 300); // about 10 s of live stream
        await live.Cluster.WaitForEventsAsync(key, 300, TimeSpan.FromSeconds(30));
        var page = await Open("/model.html?key=" + key);
        int before = await Points(page, "chart-accuracy");
        await page.WaitForFunctionAsync($"() => Number(document.querySelector('#chart-accuracy').dataset.points) >= {before + 3}", null, new() { Timeout = 30_000 });
        int after = await Points(page, "chart-accuracy");
        Assert.True(after > before, $"chart did not grow: {before} -> {after}");
        Assert.True(await Points(page, "chart-loss") > 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "model-live.png"), FullPage = true });
        Assert.Equal(0, (await replay).ExitCode);
    }

    [Fact]
    public async Task Orleans_runtime_view_loads()
    {
        var page = await _browser.Context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(live.DashboardUrl + "/orleans/");
        // Its overview fills in once counters arrive from the silo's dashboard grain through this client.
        await page.WaitForFunctionAsync("() => /ACTIVE SILOS\\s*1\\b/i.test(document.body.innerText) && /TOTAL ACTIVATIONS\\s*[1-9]/i.test(document.body.innerText)", null, new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "orleans-runtime.png"), FullPage = true });
        Assert.True(errors.Count == 0, "page errors: " + string.Join("; ", errors));
    }

    [Fact]
    public async Task A_token_protected_dashboard_works_after_opening_it_with_the_token()
    {
        const string token = "browser-token-0123456789";
        await using var app = DashboardServer.Build(new DashboardSettings { Urls = "http://127.0.0.1:0", Token = token, RefreshMs = 300 }, live.Connection);
        await app.StartAsync();
        try
        {
            string baseUrl = DashboardServer.ListeningUrls(app).First().TrimEnd('/');
            var denied = await _browser.Context.NewPageAsync();
            var response = await denied.GotoAsync(baseUrl + "/models.html");
            Assert.Equal(401, response!.Status);
            var page = await Open("/models.html?token=" + token, baseUrl); // live updates need the cookie on EventSource
            Assert.Contains(LiveFixture.Key, await page.InnerTextAsync("#models"));
        }
        finally { await app.StopAsync(); }
    }
}
