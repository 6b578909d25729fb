using StreamLabel.Testing;
using System.Diagnostics;
using StreamLabel.Client.Output;
using StreamLabel.Client.Tests.Infrastructure;

namespace StreamLabel.Client.Tests;

/// <summary>Argument validation: bad command lines exit 2 and name what is wrong, before any network traffic.</summary>
public sealed class CliUsageTests
{
    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "models", "--colour" }, "unknown option '--colour'")]
    [InlineData(new[] { "model" }, "missing model KEY")]
    [InlineData(new[] { "models", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "predict", "k" }, "--features is required")]
    [InlineData(new[] { "predict", "k", "--features", "1,x,3" }, "value 2 ('x') is not a finite number")]
    [InlineData(new[] { "status", "--gateway", "localhost" }, "--gateway expects host:port")]
    [InlineData(new[] { "status", "--gateway", "127.0.0.1:99999" }, "port number 1-65535")]
    [InlineData(new[] { "status", "--membership", "redis" }, "needs --connection")]
    [InlineData(new[] { "status", "--membership", "zookeeper" }, "'zookeeper' is not one of")]
    [InlineData(new[] { "spec", "set", "k" }, "nothing to set")]
    [InlineData(new[] { "spec", "set", "k", "--classes", "A" }, "at least two distinct")]
    [InlineData(new[] { "spec", "set", "k", "--smoothing", "1.5" }, "ModelSpec.Smoothing must be in [0, 1) (got 1.5)")]
    [InlineData(new[] { "spec", "set", "k", "--tuning-arms", "spec,fancy" }, "ModelSpec.TuningArms names an unknown arm; known: spec, plain, careful, quick, smooth, teacher (got fancy)")]
    [InlineData(new[] { "spec", "set", "k", "--tuning", "greedy" }, "Tuning must be one of: off, bandit")]
    [InlineData(new[] { "spec", "set", "k", "--drift-detector", "cusum" }, "--drift-detector: DriftDetector must be one of: adwin, page-hinkley, none (got cusum)")]
    [InlineData(new[] { "spec", "set", "k", "--drift-challenger-events", "many" }, "--drift-challenger-events: DriftChallengerEvents must be an integer")]
    [InlineData(new[] { "spec", "drop", "k" }, "unknown subcommand 'drop'")]
    [InlineData(new[] { "teacher", "load", "/nonexistent/ckpt.bin" }, "checkpoint file not found")]
    [InlineData(new[] { "teacher", "fire" }, "unknown subcommand 'fire'")]
    [InlineData(new[] { "replay" }, "missing dataset file")]
    [InlineData(new[] { "replay", "x.csv" }, "--label-column is required")]
    [InlineData(new[] { "replay", "x.csv", "--label-column", "c", "--noise", "2" }, "--noise must be in [0, 1]")]
    [InlineData(new[] { "replay", "x.csv", "--label-column", "c", "--noise-kind", "gaussian" }, "noise kind 'gaussian'")]
    [InlineData(new[] { "replay", "x.csv", "--label-column", "c", "--key", "a", "--key-column", "b" }, "not both")]
    [InlineData(new[] { "replay", "/nonexistent.csv", "--label-column", "c" }, "dataset file not found")]
    [InlineData(new[] { "dashboard", "--refresh-ms", "5" }, "RefreshMs must be between")]
    [InlineData(new[] { "status", "--gateway" }, "status: --gateway needs a value")]
    [InlineData(new[] { "models", "--json", "true" }, "unexpected argument 'true'")]
    [InlineData(new[] { "spec" }, "spec: expected `spec show KEY [options]` or `spec set KEY [options]`")]
    [InlineData(new[] { "replay", "/nonexistent.csv", "--label-column", "-1" }, "dataset file not found")] // -1 is a value, not an option
    public async Task Usage_errors_exit_2_and_name_the_problem(string[] args, string expected)
    {
        var r = await CliRunner.RunAsync(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(expected, r.Error);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task Replay_names_a_missing_label_column()
    {
        var r = await CliRunner.RunAsync("replay", LiveCluster.Dataset, "--label-column", "klass", "--bootstrap", "127.0.0.1:1");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("label column 'klass' not found", r.Error);
        Assert.Contains("class", r.Error); // lists the real columns
    }

    [Theory]
    [InlineData("http://0.0.0.0:5999")]
    [InlineData("http://*:5999")]
    [InlineData("http://127.0.0.1:5999;http://10.1.2.3:5999")]
    public async Task Dashboard_refuses_to_listen_beyond_loopback_without_a_token(string urls)
    {
        var r = await CliRunner.RunAsync("dashboard", "--urls", urls);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("without an access token", r.Error);
        Assert.Contains("Dashboard:Token", r.Error);
    }

    [Fact]
    public async Task Dashboard_rejects_a_short_token()
    {
        var r = await CliRunner.RunAsync("dashboard", "--urls", "http://0.0.0.0:5999", "--token", "short");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("at least 16 characters", r.Error);
    }

    [Fact]
    public async Task Unreachable_cluster_exits_1_and_says_where_it_looked()
    {
        int port = LocalHost.FreePort(); // nothing listens there
        var r = await CliRunner.RunAsync("status", "--gateway", $"127.0.0.1:{port}", "--timeout", "3");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"cannot connect to the cluster (gateway 127.0.0.1:{port}", r.Error);
    }

    [Fact]
    public async Task Help_lists_every_command_and_exits_0()
    {
        var r = await CliRunner.RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var c in new[] { "status", "models", "model KEY", "predict KEY", "spec show", "replay FILE", "teacher load", "dashboard" })
            Assert.Contains(c, r.Out);
        Assert.Equal(2, (await CliRunner.RunAsync()).ExitCode);
    }

    [Fact]
    public void Progress_bar_shows_fraction_count_and_rate()
    {
        var line = ProgressBar.Render(250, 1000, TimeSpan.FromSeconds(1), 20);
        Assert.StartsWith("replay [#####...............] 250/1,000 25% 250 ev/s eta 00:03", line);
        Assert.Contains("[####################] 1,000/1,000 100%", ProgressBar.Render(1000, 1000, TimeSpan.FromSeconds(2), 20));
    }

    [Fact]
    public async Task The_executable_returns_the_same_exit_codes()
    {
        // The real `streamlabel` binary (copied next to the tests), not the in-process entry point.
        var exe = Path.Combine(AppContext.BaseDirectory, "streamlabel.dll");
        var start = new ProcessStartInfo("dotnet", [exe, "models", "--colour"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(start)!;
        string err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("unknown option '--colour'", err);
    }
}
