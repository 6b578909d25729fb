using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace StreamLabel.Testing;

/// <summary>
/// A real PostgreSQL server (Debian's postgresql package: initdb + postgres) in a temporary directory on a free loopback
/// port, with password authentication, for the lifetime of a test fixture. As root it runs as the package's 'postgres'
/// user (PostgreSQL refuses to run as root). Durability is off (fsync=off): the tests restart silos, not the server.
/// Use as an xunit class or collection fixture; <see cref="CreateDatabaseAsync"/> gives each test its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IDisposable
{
    public const string User = "streamlabel";
    private const string ServiceUser = "postgres";
    private Process? _process;
    private string? _dir;

    /// <summary>The superuser's password, random per server.</summary>
    public string Password { get; } = "pg-" + Guid.NewGuid().ToString("N");
    public int Port { get; private set; }

    /// <summary>An Npgsql connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres", string? password = null) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username={User};Password={password ?? Password};Pooling=false";

    public async Task InitializeAsync()
    {
        var bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL's initdb not found under /usr/lib/postgresql/*/bin or on PATH: install the Debian package postgresql (scripts/test.sh does)");
        bool asRoot = Environment.UserName == "root";
        // As root the server runs as 'postgres', which must reach the directory: /tmp, not a TMPDIR under /root.
        _dir = asRoot
            ? Directory.CreateDirectory(Path.Combine("/tmp", "streamlabel-pg-" + Guid.NewGuid().ToString("N")[..8])).FullName
            : Directory.CreateTempSubdirectory("streamlabel-pg-").FullName;
        var passwordFile = Path.Combine(_dir, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        if (asRoot) Run("chown", ["-R", ServiceUser, _dir]);

        var data = Path.Combine(_dir, "data");
        Run(Command(asRoot, Path.Combine(bin, "initdb")), Arguments(asRoot, Path.Combine(bin, "initdb"),
            "-D", data, "-U", User, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--no-locale", "--no-sync"));

        for (int attempt = 0; ; attempt++)
        {
            Port = LocalHost.FreePort();
            var start = new ProcessStartInfo(Command(asRoot, Path.Combine(bin, "postgres")))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in Arguments(asRoot, Path.Combine(bin, "postgres"), "-D", data, "-h", "127.0.0.1", "-p", Port.ToString(),
                         "-k", _dir, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"))
                start.ArgumentList.Add(a);
            _process = Process.Start(start) ?? throw new InvalidOperationException("could not start postgres");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await WaitUntilReadyAsync(TimeSpan.FromSeconds(20))) return;
            Stop();
            if (attempt == 2) throw new InvalidOperationException($"postgres did not accept connections on port {Port}");
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is null || _process.HasExited) return false;
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString() + ";Timeout=2");
                await connection.OpenAsync();
                return true;
            }
            catch (NpgsqlException)
            {
                await Task.Delay(100);
            }
        }
        return false;
    }

    // setpriv execs the program in place, so the started process is postgres itself (and Kill reaches it).
    private static string Command(bool asRoot, string program) => asRoot ? "setpriv" : program;

    private static string[] Arguments(bool asRoot, string program, params string[] args) =>
        asRoot ? ["--reuid", ServiceUser, "--regid", ServiceUser, "--init-groups", "--", program, .. args] : args;

    private static void Run(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {stderr}{stdout.Result}");
    }

    private static string? FindBin()
    {
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return versioned.Concat(onPath).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")));
    }



    private void Stop()
    {
        var process = _process;
        _process = null;
        // SIGINT is postgres' fast shutdown: backends end and shared memory is released; SIGKILL only if it hangs.
        if (process is not null) LocalHost.Stop(process, signal: 2, grace: TimeSpan.FromSeconds(10));
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Stop();
        if (_dir is not null)
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            _dir = null;
        }
    }
}
