using StreamLabel.Testing;
using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>
/// The real silo host (src/Silo, built alongside the tests) as its own process on free ports, with its embedded broker
/// and without the demo replay. Output is kept so a failing test can show it.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    public int GatewayPort { get; }
    public string ClusterId { get; } = "silo-proc-" + Guid.NewGuid().ToString("N")[..8];
    public string Output { get { lock (_output) return _output.ToString(); } }
    public string[] Connect => ["--gateway", $"127.0.0.1:{GatewayPort}", "--cluster-id", ClusterId, "--service-id", ClusterId];

    public static string Assembly => typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SiloAssembly").Value!;

    public SiloProcess(IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(Assembly)) throw new FileNotFoundException($"silo host not built at {Assembly}", Assembly);
        GatewayPort = LocalHost.FreePort();
        var start = new ProcessStartInfo("dotnet", [Assembly]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["Cluster__SiloPort"] = LocalHost.FreePort().ToString();
        start.Environment["Cluster__GatewayPort"] = GatewayPort.ToString();
        start.Environment["Cluster__ClusterId"] = ClusterId;
        start.Environment["Cluster__ServiceId"] = ClusterId;
        start.Environment["Health__Urls"] = $"http://127.0.0.1:{LocalHost.FreePort()}";
        start.Environment["Replay__Enabled"] = "false";
        start.Environment["EmbeddedBroker__Partitions"] = "2";
        start.Environment["Student__SeriesEveryEvents"] = "100"; // more chart points from a short replay (at most one per batch)
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits until `streamlabel status` gets an answer through the gateway.</summary>
    public Task<CliRunner.Result> WaitForGatewayAsync(TimeSpan timeout) => WaitForGatewayAsync(timeout, Connect);

    public async Task<CliRunner.Result> WaitForGatewayAsync(TimeSpan timeout, string[] connect)
    {
        var until = DateTime.UtcNow + timeout;
        CliRunner.Result last;
        do
        {
            if (_process.HasExited) throw new InvalidOperationException($"silo exited with {_process.ExitCode}:\n{Output}");
            last = await CliRunner.RunAsync(["status", "--json", "--timeout", "3", .. connect]);
            if (last.ExitCode == 0) return last;
            await Task.Delay(500);
        } while (DateTime.UtcNow < until);
        throw new TimeoutException($"silo gateway not reachable within {timeout.TotalSeconds} s; last: {last}\nsilo output:\n{Output}");
    }

    /// <summary>The embedded broker's address, from the line the silo prints at start.</summary>
    public async Task<string> BootstrapAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var m = System.Text.RegularExpressions.Regex.Match(Output, @"embedded Kafka-protocol broker at (\S+)");
            if (m.Success) return m.Groups[1].Value;
            await Task.Delay(200);
        }
        throw new TimeoutException("the silo printed no embedded broker address:\n" + Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
