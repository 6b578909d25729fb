using System.Diagnostics;

namespace StreamLabel.Reliability.Tests.Cluster;

/// <summary>
/// Drives scripts/local-cluster.sh — the same launcher operators use — for one state directory: up, down, stop or
/// start one component, broker fault injection. Ports, pids and the broker address come from the launcher's `env`.
/// </summary>
public sealed class LocalCluster(string stateDir, IReadOnlyDictionary<string, string> settings)
{
    public const string CpuSilo1 = "silo-cpu-1", CpuSilo2 = "silo-cpu-2", GpuSilo = "silo-gpu-1";
    public static readonly string[] Silos = [CpuSilo1, CpuSilo2, GpuSilo];

    public static string RepoRoot { get; } = FindRepoRoot();
    private static string Script => Path.Combine(RepoRoot, "scripts", "local-cluster.sh");

    public string StateDir => stateDir;
    private Dictionary<string, string> _env = [];

    /// <summary>Redis host:port, without credentials.</summary>
    public string RedisEndpoint => $"127.0.0.1:{_env["REDIS_PORT"]}";
    /// <summary>The password redis-server requires (STREAMLABEL_REDIS_PASSWORD of the launcher), or null.</summary>
    public string? RedisPassword => settings.TryGetValue("STREAMLABEL_REDIS_PASSWORD", out var p) && p.Length > 0 ? p : null;
    /// <summary>The Redis configuration string silos use: endpoint and password.</summary>
    public string RedisConnection => RedisEndpoint + (RedisPassword is { } p ? ",password=" + p : "");
    public int RedisPort => int.Parse(_env["REDIS_PORT"]);
    public string Bootstrap => _env["BOOTSTRAP"];
    public string ClusterId => _env["CLUSTER_ID"];
    public int DashboardPort => int.Parse(_env["DASHBOARD_PORT"]);

    /// <summary>Silo-to-silo port of a silo (how silo addresses in grain metrics name it).</summary>
    public int SiloPort(string silo) => int.Parse(_env[$"SILO_PORT_{Array.IndexOf(Silos, silo) + 1}"]);
    public int HealthPort(string silo) => int.Parse(_env[$"HEALTH_PORT_{Array.IndexOf(Silos, silo) + 1}"]);

    /// <summary>The component's pid while it runs, else null (asked from the launcher each time).</summary>
    public int? Pid(string component)
    {
        Refresh();
        return _env.TryGetValue("PID_" + component.Replace('-', '_'), out var pid) ? int.Parse(pid) : null;
    }

    /// <summary>Which silo an Orleans silo address ("S127.0.0.1:PORT:generation") belongs to, or null.</summary>
    public string? SiloOf(string siloAddress) =>
        Silos.FirstOrDefault(s => siloAddress.Contains($"127.0.0.1:{SiloPort(s)}:", StringComparison.Ordinal));

    public void Up(TimeSpan timeout)
    {
        Run(timeout, "up");
        Refresh();
    }

    /// <summary>Every log file the launcher's processes wrote so far (name, text).</summary>
    public IEnumerable<(string Name, string Text)> Logs() =>
        Directory.EnumerateFiles(stateDir, "*.log").Concat(Directory.EnumerateFiles(stateDir, "*.out"))
            .Select(f => (Path.GetFileName(f), ReadShared(f)));

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    public void Down() => Run(TimeSpan.FromSeconds(120), "down");

    /// <summary>Stops a component with a signal: KILL for a crash, TERM for a graceful stop.</summary>
    public void Stop(string component, string signal) => Run(TimeSpan.FromSeconds(60), "stop", component, signal);

    public void Start(string component) => Run(TimeSpan.FromSeconds(150), "start", component);

    /// <summary>Freezes the broker process (SIGSTOP): connections stay open, nothing answers.</summary>
    public void BrokerPause() => Run(TimeSpan.FromSeconds(10), "broker-pause");
    public void BrokerResume() => Run(TimeSpan.FromSeconds(10), "broker-resume");

    /// <summary>The mock cluster's own broker down (connections closed, new ones refused) and up again.</summary>
    public void BrokerDown() => Run(TimeSpan.FromSeconds(10), "broker-down");
    public void BrokerUp() => Run(TimeSpan.FromSeconds(10), "broker-up");

    private void Refresh()
    {
        var text = Run(TimeSpan.FromSeconds(10), "env");
        _env = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
    }

    private string Run(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["STREAMLABEL_STATE_DIR"] = stateDir;
        start.Environment["STREAMLABEL_CONFIGURATION"] = BuildConfiguration;
        // The launcher's watchdog takes the cluster down if this test process dies without disposing the fixture.
        start.Environment["STREAMLABEL_WATCH_PID"] = Environment.ProcessId.ToString();
        foreach (var (k, v) in settings) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"local-cluster.sh {string.Join(' ', args)} did not finish within {timeout}: {stderr.Result}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"local-cluster.sh {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }

    internal static string BuildConfiguration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "StreamLabel.sln"))) return dir.FullName;
        throw new InvalidOperationException("StreamLabel.sln not found above " + AppContext.BaseDirectory);
    }
}
