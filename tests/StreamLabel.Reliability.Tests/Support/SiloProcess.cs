using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StreamLabel.Reliability.Tests.Cluster;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>
/// One streamlabel-silo process outside the launcher, configured only through its environment, with everything it
/// writes to stdout and stderr kept (for tests that look at what a silo logs).
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public SiloProcess(IReadOnlyDictionary<string, string> environment)
    {
        string dll = Path.Combine(LocalCluster.RepoRoot, "src", "Silo", "bin", LocalCluster.BuildConfiguration, "net10.0", "streamlabel-silo.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + dll);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>stdout and stderr so far, interleaved as they arrived.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>True when the process ended within the timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try { await _process.WaitForExitAsync().WaitAsync(timeout); }
        catch (TimeoutException) { return false; }
        _process.WaitForExit(); // drains the redirected streams
        return true;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
