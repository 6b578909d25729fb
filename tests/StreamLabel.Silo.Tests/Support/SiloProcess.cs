using System.Diagnostics;
using System.Reflection;
using StreamLabel.Testing;

namespace StreamLabel.Silo.Tests.Support;

/// <summary>The real silo executable running in the background on free ports, with its output kept for diagnosis.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private SiloProcess(Process process, int healthPort, int gatewayPort)
    {
        _process = process;
        HealthPort = healthPort;
        GatewayPort = gatewayPort;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int HealthPort { get; }

    public int GatewayPort { get; }

    public string Output { get { lock (_lines) return string.Join('\n', _lines); } }

    public static SiloProcess Start(params string[] args)
    {
        var dir = typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloOutputDir").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.ArgumentList.Add(Path.Combine(dir, "streamlabel-silo.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        int health = LocalHost.FreePort(), gateway = LocalHost.FreePort();
        start.ArgumentList.Add($"--Cluster:SiloPort={LocalHost.FreePort()}");
        start.ArgumentList.Add($"--Cluster:GatewayPort={gateway}");
        start.ArgumentList.Add($"--Health:Urls=http://127.0.0.1:{health}");
        return new SiloProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the silo"), health, gateway);
    }

    /// <summary>The exit code once the silo ends by itself, or null if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { return null; }
        _process.WaitForExit(); // drain the output
        return _process.ExitCode;
    }


    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
