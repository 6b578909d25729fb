using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StreamLabel.Testing;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// A cluster of separate processes shaped like scripts/local-cluster.sh: a redis-server (membership + grain state), the
/// embedded broker as `streamlabel-silo broker`, and streamlabel-silo processes, each started under `taskset -c CORE`
/// so it runs on that core only. Logs go to files in <see cref="StateDir"/>; disposing stops every process it started.
/// </summary>
public sealed class SiloProcesses : IAsyncDisposable
{
    private readonly List<(string Name, Process Process)> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public SiloProcesses(string siloDll)
    {
        if (!File.Exists(siloDll)) throw new FileNotFoundException($"{siloDll} not found: build src/Silo first (dotnet build src/Silo/StreamLabel.Silo.csproj -c Release)");
        SiloDll = siloDll;
        StateDir = Directory.CreateTempSubdirectory("streamlabel-multi-silo-").FullName;
    }

    public string SiloDll { get; }
    public string StateDir { get; }
    public int RedisPort { get; private set; }
    public string Bootstrap { get; private set; } = "";
    public string RedisConnection => $"127.0.0.1:{RedisPort}";

    /// <summary>Silo-to-silo port of each silo by name (a SiloAddress reads S127.0.0.1:PORT:GENERATION).</summary>
    public Dictionary<string, int> SiloPorts { get; } = [];

    /// <summary>The silo name of a SiloAddress string, or the string itself.</summary>
    public string NameOf(string siloAddress) =>
        SiloPorts.FirstOrDefault(p => siloAddress.Contains($":{p.Value}:", StringComparison.Ordinal)).Key ?? siloAddress;

    /// <summary>Process ids by name, for CPU accounting.</summary>
    public IReadOnlyList<(string Name, int Pid)> Pids => _processes.Where(p => !p.Process.HasExited).Select(p => (p.Name, p.Process.Id)).ToList();

    public async Task StartRedisAsync()
    {
        RedisPort = FreePort();
        Start("redis", null, "redis-server", "--port", $"{RedisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", StateDir);
        for (int i = 0; i < 100; i++)
        {
            try { using var c = new TcpClient(); await c.ConnectAsync(IPAddress.Loopback, RedisPort); return; }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new InvalidOperationException($"redis-server did not listen on 127.0.0.1:{RedisPort} (see {StateDir}/redis.log)");
    }

    /// <summary>Starts the broker with these topics and returns once it printed its address.</summary>
    public async Task StartBrokerAsync(int partitions, IEnumerable<string> topics)
    {
        Start("broker", null, "dotnet", SiloDll, "broker", "--partitions", $"{partitions}", "--topics", string.Join(',', topics));
        string output = Path.Combine(StateDir, "broker.log");
        for (int i = 0; i < 600 && Bootstrap.Length == 0; i++)
        {
            await Task.Delay(100);
            Bootstrap = File.ReadLines(output).FirstOrDefault(l => l.Contains(':') && !l.Contains(' ')) ?? "";
        }
        if (Bootstrap.Length == 0) throw new InvalidOperationException($"the broker printed no address within 60 s (see {output})");
    }

    /// <summary>Starts a silo on one core with the cluster's settings plus <paramref name="settings"/> (Section:Key names)
    /// and returns its health/metrics base URL once /ready answers.</summary>
    public async Task<string> StartSiloAsync(string name, int core, string clusterId, IDictionary<string, string?> settings)
    {
        int healthPort = FreePort(), siloPort = FreePort();
        SiloPorts[name] = siloPort;
        var env = new Dictionary<string, string?>
        {
            ["Cluster__ClusterId"] = clusterId, ["Cluster__ServiceId"] = clusterId, ["Cluster__SiloName"] = name,
            ["Cluster__AdvertisedIP"] = "127.0.0.1", ["Cluster__SiloPort"] = $"{siloPort}", ["Cluster__GatewayPort"] = $"{FreePort()}",
            ["Cluster__Membership__Provider"] = "Redis", ["Cluster__Membership__ConnectionString"] = RedisConnection,
            ["Cluster__Storage__Provider"] = "Redis", ["Cluster__Storage__ConnectionString"] = RedisConnection,
            ["Health__Urls"] = $"http://127.0.0.1:{healthPort}", ["Replay__Enabled"] = "false", ["Kafka__BootstrapServers"] = Bootstrap,
            // As the silo images and local-cluster.sh set it (libtorch and librdkafka allocate from many threads).
            ["MALLOC_ARENA_MAX"] = "2",
        };
        // The run's settings (and --set) last, so they can change the cluster's too (e.g. Cluster:Storage:Provider=Memory).
        foreach (var (k, v) in settings) env[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        Start(name, env, "taskset", "-c", $"{core}", "dotnet", SiloDll);
        string url = $"http://127.0.0.1:{healthPort}";
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (_processes.Single(p => p.Name == name).Process.HasExited) throw new InvalidOperationException($"{name} exited (see {StateDir}/{name}.log)");
            try { if ((await _http.GetAsync($"{url}/ready")).IsSuccessStatusCode) return url; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{name} not ready within 3 minutes (see {StateDir}/{name}.log)");
    }

    /// <summary>Stops the silos gracefully (SIGTERM: they persist and commit), then the broker and redis.</summary>
    public async Task StopSilosAsync()
    {
        var silos = _processes.Where(p => p.Name.StartsWith("silo", StringComparison.Ordinal)).ToList();
        foreach (var (_, p) in silos) Signal(p, "TERM");
        foreach (var (name, p) in silos)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await p.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { p.Kill(); }
            _processes.Remove((name, p));
            p.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopSilosAsync();
        foreach (var (_, p) in _processes)
        {
            if (!p.HasExited) p.Kill();
            await p.WaitForExitAsync();
            p.Dispose();
        }
        _processes.Clear();
        _http.Dispose();
    }

    private void Start(string name, IDictionary<string, string?>? env, string file, params string[] args)
    {
        // Through sh so the process's output goes straight to its log file; exec keeps the pid the process's own.
        string log = Path.Combine(StateDir, $"{name}.log");
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$LOG\" 2>&1 </dev/null");
        psi.ArgumentList.Add(file);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["LOG"] = log;
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        _processes.Add((name, Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}")));
    }

    private static void Signal(Process p, string signal)
    {
        if (p.HasExited) return;
        using var kill = Process.Start("kill", ["-" + signal, $"{p.Id}"]);
        kill.WaitForExit();
    }

    // Below the ephemeral range: a port the OS picks (bind to 0) can be taken by an outgoing connection before the
    // process that is given it binds it (a run failed so: silo-cpu-1 "Address already in use").
    private static int FreePort() => LocalHost.FreePort();
}
