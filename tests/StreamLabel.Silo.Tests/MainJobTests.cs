using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit.Abstractions;
using StreamLabel.Testing;

namespace StreamLabel.Silo.Tests;

/// <summary>The README's run command: the real silo executable on the embedded default (broker, silo, replay).</summary>
public sealed class MainJobTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_main_job_replays_learns_and_exits_0_at_its_events_limit()
    {
        var (exitCode, stdout) = await RunAsync(["--events", "3000"], TimeSpan.FromSeconds(120));
        Assert.Equal(0, exitCode);
        Assert.Contains("embedded Kafka-protocol broker at 127.0.0.1:", stdout);
        Assert.Contains("done: 3,000 events learned", stdout);
        Assert.Matches(@"prequential accuracy \d+\.\d+ %", stdout);
        Assert.Contains("dotnet run --project src/Client -- models", stdout); // the way to the CLI and dashboard
        // Before exiting, the job deactivates the grains (they persist) and they may be reactivated from storage: no
        // error on the way (a spec holding a compiler-made list once could not be read back from JSON storage).
        Assert.DoesNotContain("fail:", stdout);
    }

    [Theory]
    [InlineData("--EmbeddedBroker:Enabled=false", "Kafka:BootstrapServers is empty and EmbeddedBroker:Enabled=false")]
    public async Task A_silo_that_must_not_run_the_embedded_broker_and_names_no_kafka_fails_saying_so(string option, string message)
    {
        var (exitCode, stdout) = await RunAsync([option, "--Cluster:Membership:ConnectionString=127.0.0.1:1", "--events", "100"], TimeSpan.FromSeconds(60));
        Assert.Equal(1, exitCode);
        Assert.Contains($"streamlabel-silo: failed: {message}", stdout);
        Assert.DoesNotContain("embedded Kafka-protocol broker at", stdout);
    }

    [Fact]
    public async Task Console_logs_are_json_lines_when_configured()
    {
        var (exitCode, stdout) = await RunAsync(["--Logging:Console:FormatterName=json", "--events", "1000"], TimeSpan.FromSeconds(120));
        Assert.Equal(0, exitCode);
        var logLines = stdout.Split('\n').Where(l => l.StartsWith('{')).ToList();
        Assert.NotEmpty(logLines);
        Assert.All(logLines, l =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(l);
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _), l);
            Assert.True(json.RootElement.TryGetProperty("Category", out _), l);
        });
    }

    [Fact]
    public async Task The_main_job_exits_0_on_ctrl_c()
    {
        // A slow replay that would run for minutes, interrupted once it is learning.
        var (exitCode, stdout) = await RunAsync(["--rate", "200"], TimeSpan.FromSeconds(120), interruptWhen: line => line.StartsWith("[00:0"));
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("done:", stdout);
    }

    [Fact]
    public async Task A_bad_option_value_fails_with_a_message_naming_it()
    {
        var (exitCode, stdout) = await RunAsync(["--noise-kind", "sideways", "--events", "100"], TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("noise kind 'sideways'", stdout);
    }

    [Theory]
    [InlineData("--Student:MaxBatchSize=0", "Student:MaxBatchSize must be at least 1")]
    [InlineData("--Teacher:Kind=magic", "Teacher:Kind must be one of: ensemble, replay (got 'magic')")]
    [InlineData("--Kafka:MaxBatchRecords=0", "Kafka:MaxBatchRecords must be between 1 and 1000000")]
    [InlineData("--Models:Patterns:0:Pattern=k*", "Models:Patterns:0: ModelSpec.Classes needs at least two distinct")]
    public async Task A_start_up_failure_exits_1_with_its_reason_not_an_abort(string option, string reason)
    {
        // Every options class is checked the same way when the silo starts (OptionsProblems / IValidateOptions with
        // ValidateOnStart): the failure surfaces from the host, with its reason, not from argument parsing.
        var (exitCode, stdout) = await RunAsync([option, "--events", "100"], TimeSpan.FromSeconds(120));
        Assert.Equal(1, exitCode);
        Assert.Contains("streamlabel-silo: failed: ", stdout);
        Assert.Contains(reason, stdout);
        Assert.DoesNotContain("Unhandled exception", stdout);
    }

    [Fact]
    public async Task Memory_storage_with_an_external_broker_is_refused_at_start_naming_both_options()
    {
        // Nothing listens on port 9: the check must come before any attempt to reach Kafka.
        var (exitCode, stdout) = await RunAsync(["--Kafka:BootstrapServers=127.0.0.1:9", "--Kafka:MetadataTimeout=00:00:03"], TimeSpan.FromSeconds(120));
        Assert.Equal(1, exitCode);
        Assert.Contains("streamlabel-silo: failed: Cluster:Storage:Provider is Memory while Kafka:BootstrapServers names an external broker", stdout);
        Assert.Contains("Cluster:Storage:AllowVolatile=true", stdout);
        Assert.DoesNotContain("Unhandled exception", stdout);
    }

    [Fact]
    public async Task Memory_storage_with_an_external_broker_starts_when_explicitly_allowed()
    {
        // Allowed, the silo goes on to Kafka, which is unreachable here: it fails there, not at the storage check.
        var (exitCode, stdout) = await RunAsync(["--Kafka:BootstrapServers=127.0.0.1:9", "--Kafka:MetadataTimeout=00:00:03",
            "--Cluster:Storage:AllowVolatile=true"], TimeSpan.FromSeconds(120));
        Assert.Equal(1, exitCode);
        Assert.DoesNotContain("Cluster:Storage:Provider is Memory", stdout);
        Assert.Contains("streamlabel-silo: failed:", stdout);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string[] args, TimeSpan timeout, Func<string, bool>? interruptWhen = null)
    {
        var dir = typeof(MainJobTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloOutputDir").Value!;
        // Through `env --default-signal=INT`: a test run started in the background (as CI may start it) inherits an
        // ignored SIGINT, which .NET keeps, and the silo would then never see the Ctrl-C this test sends.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(dir, "streamlabel-silo.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        // Free ports, so parallel test runs and other silos on the machine do not collide.
        start.ArgumentList.Add($"--Cluster:SiloPort={LocalHost.FreePort()}");
        start.ArgumentList.Add($"--Cluster:GatewayPort={LocalHost.FreePort()}");
        start.ArgumentList.Add($"--Health:Urls=http://127.0.0.1:{LocalHost.FreePort()}");
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var interrupted = false;
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (lines) lines.Add(line);
            if (interruptWhen is not null && !interrupted && interruptWhen(line))
            {
                interrupted = true;
                _ = kill(process.Id, 2); // SIGINT, as Ctrl-C sends (a process already gone is the test's failure)
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            string last;
            lock (lines) last = string.Join('\n', lines.TakeLast(40));
            // What the silo printed last says where it stood: still starting, replaying, or stopping.
            throw new TimeoutException($"silo did not exit within {timeout} (interrupted: {interrupted}); its last output:\n{last}");
        }
        process.WaitForExit(); // drain the output
        string text;
        lock (lines) text = string.Join('\n', lines);
        output.WriteLine(text);
        return (process.ExitCode, text);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

}
