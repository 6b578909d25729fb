using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace StreamLabel.Testing;

/// <summary>
/// A real redis-server process on a free loopback port, without persistence, for the lifetime of a test fixture.
/// Needs Debian's redis-server package (scripts/test.sh installs it). Use as an xunit class or collection fixture.
/// </summary>
public sealed class RedisServer : IAsyncLifetime, IDisposable
{
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>StackExchange.Redis connection string, e.g. "127.0.0.1:41234".</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static RedisServer Start()
    {
        var server = new RedisServer();
        server.StartCore();
        return server;
    }

    public Task InitializeAsync()
    {
        StartCore();
        return Task.CompletedTask;
    }

    private void StartCore()
    {
        string executable = FindExecutable() ?? throw new InvalidOperationException(
            "redis-server not found on PATH or in /usr/bin: install the Debian package redis-server (scripts/test.sh does)");
        for (int attempt = 0; ; attempt++)
        {
            Port = LocalHost.FreePort();
            var start = new ProcessStartInfo(executable)
            {
                ArgumentList = { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (WaitUntilReady(TimeSpan.FromSeconds(10))) return;
            Stop();
            if (attempt == 2) throw new InvalidOperationException($"redis-server did not answer PING on port {Port}");
        }
    }

    private bool WaitUntilReady(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is null || _process.HasExited) return false;
            try
            {
                using var connection = ConnectionMultiplexer.Connect(new ConfigurationOptions { EndPoints = { ConnectionString }, ConnectTimeout = 500, AbortOnConnectFail = true });
                connection.GetDatabase().Ping();
                return true;
            }
            catch (RedisException)
            {
                Thread.Sleep(100);
            }
        }
        return false;
    }

    private static string? FindExecutable()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin");
        return dirs.Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);
    }


    private void Stop()
    {
        var process = _process;
        _process = null;
        if (process is not null) LocalHost.Stop(process);
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    public void Dispose() => Stop();
}
