using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using StreamLabel.Client.Dashboard;
using StreamLabel.Client.Tests.Infrastructure;

namespace StreamLabel.Client.Tests;

/// <summary>The dashboard's HTTP surface against the live cluster: pages, /api JSON, the SSE stream, the Orleans view, the token.</summary>
[Collection(LiveCollection.Name)]
public sealed class DashboardApiTests(LiveFixture live)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private async Task<JsonElement> GetJson(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(live.DashboardUrl + path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Api_status_and_models_match_the_cli_shapes()
    {
        var status = await GetJson("/api/status");
        Assert.Equal(LiveCluster.SiloName, status.GetProperty("silos")[0].GetProperty("name").GetString());
        Assert.Equal("gpu", status.GetProperty("silos")[0].GetProperty("metadata").GetProperty("accelerator").GetString());
        var models = await GetJson("/api/models");
        var row = models.EnumerateArray().Single(m => m.GetProperty("key").GetString() == LiveFixture.Key);
        Assert.True(row.GetProperty("eventsSeen").GetInt64() >= LiveFixture.Events);
        var detail = await GetJson("/api/models/" + LiveFixture.Key);
        Assert.NotEmpty(detail.GetProperty("series").EnumerateArray());
        Assert.NotEmpty(detail.GetProperty("drifts").EnumerateArray());
        var spec = await GetJson($"/api/models/{LiveFixture.Key}/spec");
        Assert.Equal(["DOWN", "UP"], spec.GetProperty("spec").GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Api_unknown_model_is_404_with_the_reason()
    {
        var error = await GetJson("/api/models/nope", HttpStatusCode.NotFound);
        Assert.Contains("no model 'nope'", error.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("/", "Cluster overview")]
    [InlineData("/models.html", "<table id=\"models\">")]
    [InlineData("/model.html?key=elec2", "chart-accuracy")]
    [InlineData("/chart.js", "function drawLineChart")]
    public async Task Pages_are_served_from_the_client(string path, string expected)
    {
        string body = await Http.GetStringAsync(live.DashboardUrl + path);
        Assert.Contains(expected, body);
    }

    [Fact]
    public async Task Stream_pushes_fresh_views_as_server_sent_events()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, live.DashboardUrl + "/api/stream?view=model&key=" + LiveFixture.Key);
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        int events = 0;
        while (events < 2)
        {
            var line = await reader.ReadLineAsync() ?? throw new EndOfStreamException("stream ended");
            if (line == "event: data") events++;
            if (line.StartsWith("data: "))
                Assert.Equal(LiveFixture.Key, JsonDocument.Parse(line[6..]).RootElement.GetProperty("model").GetProperty("key").GetString());
        }
        using var bad = await Http.GetAsync(live.DashboardUrl + "/api/stream?view=everything");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Orleans_dashboard_is_mounted_under_its_own_path()
    {
        string page = await Http.GetStringAsync(live.DashboardUrl + "/orleans/");
        Assert.Contains("index.min.js", page);
        // Its data comes from the silo's dashboard grain, through this client.
        var counters = await Http.GetStringAsync(live.DashboardUrl + "/orleans/DashboardCounters");
        var j = JsonDocument.Parse(counters).RootElement;
        Assert.True(j.EnumerateObject().Any(), counters);
        Assert.Contains(LiveCluster.SiloName, counters);
    }

    [Fact]
    public async Task With_a_token_every_request_needs_it_and_listening_beyond_loopback_is_allowed()
    {
        const string token = "0123456789abcdef-token";
        await using var app = DashboardServer.Build(new DashboardSettings { Urls = "http://0.0.0.0:0", Token = token }, live.Connection);
        await app.StartAsync();
        try
        {
            var port = new Uri(DashboardServer.ListeningUrls(app).First().Replace("0.0.0.0", "127.0.0.1")).Port;
            string baseUrl = $"http://127.0.0.1:{port}";
            using var plain = new HttpClient(new HttpClientHandler { UseCookies = false });
            Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(baseUrl + "/api/status")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(baseUrl + "/")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(baseUrl + "/orleans/")).StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/api/status") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token + "x") } };
            Assert.Equal(HttpStatusCode.Unauthorized, (await plain.SendAsync(wrong)).StatusCode);
            using var bearer = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/api/status") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
            Assert.Equal(HttpStatusCode.OK, (await plain.SendAsync(bearer)).StatusCode);

            // A browser opens the page once with ?token=..., then its fetches and EventSource streams carry the cookie.
            var jar = new CookieContainer();
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = jar });
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(baseUrl + "/?token=" + token)).StatusCode);
            Assert.NotNull(jar.GetCookies(new Uri(baseUrl))[TokenGate.CookieName]);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(baseUrl + "/api/models")).StatusCode);

            // The ?token link is only exchanged for the cookie: a redirect to the same address without it.
            using var first = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
            var exchange = await first.GetAsync(baseUrl + "/models.html?sort=name&token=" + token);
            Assert.Equal(HttpStatusCode.Redirect, exchange.StatusCode);
            Assert.Equal("/models.html?sort=name", exchange.Headers.Location?.OriginalString);
            var cookie = Assert.Single(exchange.Headers.GetValues("Set-Cookie"));
            Assert.StartsWith(TokenGate.CookieName + "=", cookie);
            Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain http, no trusted proxy
            // Forwarded headers are not trusted unless configured: X-Forwarded-Proto does not make the cookie Secure.
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/?token=" + token) { Headers = { { "X-Forwarded-Proto", "https" } } };
            Assert.DoesNotContain("secure", Assert.Single((await first.SendAsync(spoofed)).Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        }
        finally { await app.StopAsync(); }
    }

    [Fact]
    public async Task Behind_a_tls_terminating_ingress_the_token_cookie_is_secure()
    {
        const string token = "0123456789abcdef-ingress";
        await using var app = DashboardServer.Build(new DashboardSettings { Urls = "http://0.0.0.0:0", Token = token, TrustForwardedHeaders = true }, live.Connection);
        await app.StartAsync();
        try
        {
            var port = new Uri(DashboardServer.ListeningUrls(app).First().Replace("0.0.0.0", "127.0.0.1")).Port;
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/?token={token}") { Headers = { { "X-Forwarded-Proto", "https" } } };
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("secure", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        }
        finally { await app.StopAsync(); }
    }

    [Fact]
    public async Task On_loopback_only_requests_for_a_loopback_host_name_are_served()
    {
        await using var app = DashboardServer.Build(new DashboardSettings { Urls = "http://127.0.0.1:0" }, live.Connection);
        await app.StartAsync();
        try
        {
            string baseUrl = DashboardServer.ListeningUrls(app).First();
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(baseUrl + "/api/status")).StatusCode);
            // A page on another site that points its own DNS name at 127.0.0.1 sends that name as Host.
            using var rebound = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/api/status") { Headers = { Host = "attacker.example" } };
            Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound)).StatusCode);
            using var localhost = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/api/status") { Headers = { Host = "localhost:" + new Uri(baseUrl).Port } };
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(localhost)).StatusCode);
        }
        finally { await app.StopAsync(); }
    }
}

/// <summary>`streamlabel dashboard` itself: prints where it listens, serves there, stops on Ctrl-C.</summary>
[Collection(LiveCollection.Name)]
public sealed class DashboardCommandTests(LiveFixture live)
{
    [Fact]
    public async Task Dashboard_command_prints_its_url_serves_it_and_stops_on_cancel()
    {
        var output = new StringWriter();
        using var ctrlC = new CancellationTokenSource();
        var run = CliRunner.RunAsync(["dashboard", "--urls", "http://127.0.0.1:0", "--json", .. live.Cluster.Connect], output, ctrlC.Token);
        string? url = null;
        for (int i = 0; i < 600 && url is null; i++)
        {
            if (run.IsCompleted) Assert.Fail("dashboard ended early: " + await run);
            string text;
            lock (output) text = output.ToString();
            if (text.Contains('}')) url = JsonDocument.Parse(text).RootElement.GetProperty("url").GetString();
            else await Task.Delay(100);
        }
        if (url is null)
        {
            ctrlC.Cancel();
            Assert.Fail("no URL printed within 60 s: " + await run);
        }
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/$", url);
        using var http = new HttpClient();
        Assert.Contains("Cluster overview", await http.GetStringAsync(url));
        Assert.Contains(LiveFixture.Key, await http.GetStringAsync(url + "api/models"));
        // A page with a live stream open must not hold up Ctrl-C (ASP.NET Core would wait 30 s for the request).
        using var stream = await http.GetAsync(url + "api/stream?view=status", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        ctrlC.Cancel();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"stopped after {stopwatch.Elapsed.TotalSeconds:F1} s with a stream open");
        Assert.Equal(0, result.ExitCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(url));
    }
}
