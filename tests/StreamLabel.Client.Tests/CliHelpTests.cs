using System.Diagnostics;
using System.Text.RegularExpressions;
using StreamLabel.Client.Tests.Infrastructure;
using StreamLabel.Specs;

namespace StreamLabel.Client.Tests;

/// <summary>`streamlabel COMMAND --help` prints that command's help on stdout and exits 0, without touching the cluster.</summary>
public sealed class CliHelpTests
{
    [Theory]
    [InlineData("status")]
    [InlineData("models")]
    [InlineData("model")]
    [InlineData("predict")]
    [InlineData("spec", "show")]
    [InlineData("spec", "set")]
    [InlineData("replay")]
    [InlineData("teacher", "load")]
    [InlineData("teacher", "status")]
    [InlineData("quarantine", "list")]
    [InlineData("quarantine", "release")]
    [InlineData("dashboard")]
    public async Task Every_command_prints_its_own_help_and_exits_0(params string[] command)
    {
        var r = await CliRunner.RunAsync([.. command, "--help"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        // The usage line starts with the hosting executable's name (the test host here; see the test below).
        Assert.Matches($@"Usage:\s+\S+ {Regex.Escape(string.Join(' ', command))} ", r.Out);
        Assert.Contains("--json", r.Out);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public async Task Status_help_lists_the_connection_options()
    {
        var r = await CliRunner.RunAsync("status", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var option in new[] { "--gateway", "--membership", "--connection", "--cluster-id", "--service-id", "--config", "--timeout" })
            Assert.Contains(option, r.Out);
    }

    [Fact]
    public async Task Spec_set_help_lists_a_flag_for_every_spec_field()
    {
        var r = await CliRunner.RunAsync("spec", "set", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("--learning-rate", r.Out);
        Assert.Contains("--tuning", r.Out);
        Assert.Contains("off|bandit", r.Out); // what --tuning accepts, from the field table
        Assert.Contains("--file", r.Out);
        foreach (var field in SpecFields.All) Assert.Contains(field.Flag, r.Out);
    }

    [Fact]
    public async Task The_executable_prints_help_under_its_own_name()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "streamlabel.dll");
        var start = new ProcessStartInfo("dotnet", [exe, "spec", "set", "--help"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(start)!;
        string output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("streamlabel spec set <KEY> [options]", output);
    }

    [Fact]
    public async Task Model_help_names_the_key_and_the_points_option()
    {
        var r = await CliRunner.RunAsync("model", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("KEY", r.Out);
        Assert.Contains("--points", r.Out);
    }

    [Fact]
    public async Task Help_wins_over_a_missing_argument()
    {
        // Neither KEY nor the required --features is given: the help is what was asked for, not a usage error.
        var r = await CliRunner.RunAsync("predict", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("--features", r.Out);
    }
}
