using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using StreamLabel.Testing;

namespace StreamLabel.Silo.Tests.Support;

/// <summary>
/// A real Prometheus server (Debian's package; scripts/test.sh installs it) on a free loopback port with its own data
/// folder, scraping the given targets every second; queried through its HTTP API like any dashboard or alert would.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public static PrometheusServer Start(string job, string target)
    {
        const string binary = "/usr/bin/prometheus";
        if (!File.Exists(binary)) throw new InvalidOperationException($"{binary} is missing: scripts/test.sh installs Debian's prometheus package");
        var folder = Directory.CreateTempSubdirectory("streamlabel-prometheus-").FullName;
        var config = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {job}
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target}"]
            """);
        int port = LocalHost.FreePort();
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start prometheus");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PrometheusServer(process, folder, port);
    }

    /// <summary>An instant PromQL query: each series' labels and value (empty when nothing matches yet).</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.GetProperty("status").GetString() != "success") throw new InvalidOperationException($"query {promql} failed: {body}");
        var series = new List<(Dictionary<string, string>, double)>();
        foreach (var item in body.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = item.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            var value = double.Parse(item.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            series.Add((labels, value));
        }
        return series;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
