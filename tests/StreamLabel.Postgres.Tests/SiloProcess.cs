using StreamLabel.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace StreamLabel.Postgres.Tests;

/// <summary>
/// The real silo executable (streamlabel-silo.dll) as a child process on free ports, its output collected. Settings go
/// in as environment variables (Section__Key), as in the Kubernetes manifests, so connection strings stay off argv.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    public int GatewayPort { get; } = LocalHost.FreePort();
    public string HealthUrl { get; }

    private SiloProcess(string[] args, IDictionary<string, string> settings)
    {
        string dll = typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloAssembly").Value!;
        HealthUrl = $"http://127.0.0.1:{LocalHost.FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["Cluster__SiloPort"] = LocalHost.FreePort().ToString();
        start.Environment["Cluster__GatewayPort"] = GatewayPort.ToString();
        start.Environment["Health__Urls"] = HealthUrl;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static SiloProcess Start(IDictionary<string, string> settings, params string[] args) => new(args, settings);

    /// <summary>Runs to exit (or fails after <paramref name="timeout"/>) and returns the exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IDictionary<string, string> settings, TimeSpan timeout, params string[] args)
    {
        using var silo = Start(settings, args);
        int code = await silo.WaitForExitAsync(timeout);
        return (code, silo.Output);
    }

    public string Output
    {
        get { lock (_lines) return string.Join('\n', _lines); }
    }

    /// <summary>The first match of <paramref name="pattern"/>'s group 1 in the output, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForOutputAsync(string pattern, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = Regex.Match(Output, pattern);
            if (match.Success) return match.Groups[1].Value;
            if (_process.HasExited) throw new InvalidOperationException($"the silo exited ({_process.ExitCode}) before printing /{pattern}/:\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the silo printed no /{pattern}/ within {timeout}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the silo's /ready endpoint answers 200 (the silo joined the cluster).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the silo exited ({_process.ExitCode}) before it was ready:\n{Output}");
            try
            {
                if ((await http.GetAsync(HealthUrl + "/ready")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the silo was not ready within {timeout}:\n{Output}");
            await Task.Delay(200);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"the silo did not exit within {timeout}:\n{Output}"); }
        _process.WaitForExit(); // drain the output
        return _process.ExitCode;
    }

    /// <summary>SIGTERM (as Kubernetes stops a pod): the silo leaves the cluster and its grains write their state.</summary>
    public Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) LocalHost.Signal(_process.Id, 15);
        return WaitForExitAsync(timeout);
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }


}
