using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// scripts/lib/packages.sh, the install step of the README's test command, run under the shell options the command
/// uses. On the developers' machines every package is already there, so without these tests the install path only
/// ever runs on a fresh machine — where it once reported "no candidate" for packages that had one.
/// </summary>
public sealed class TestCommandPackageTests
{
    private const string Absent = "streamlabel-no-such-package";

    [Fact]
    public void A_package_with_a_candidate_is_found_and_one_without_is_not()
    {
        var present = Bash("apt_candidate bash");
        Assert.True(present.ExitCode == 0, present.Describe("apt_candidate bash"));
        Assert.Matches(@"^\S+\n$", present.StdOut);

        var absent = Bash($"apt_candidate {Absent}");
        Assert.True(absent.ExitCode != 0, absent.Describe($"apt_candidate {Absent}"));
        Assert.Equal("", absent.StdOut);
    }

    [Fact]
    public void The_self_check_the_test_command_runs_passes()
    {
        var result = Bash("packages_self_check && echo checked");
        Assert.True(result.ExitCode == 0, result.Describe("packages_self_check"));
        Assert.Equal("checked\n", result.StdOut);
    }

    [Fact]
    public void Installed_packages_need_no_install()
    {
        // apt-get on PATH is a stub that fails: an installed package must not reach it.
        var result = Bash("ensure_packages bash coreutils && echo nothing-to-do", StubAptGet("exit 99"));
        Assert.True(result.ExitCode == 0, result.Describe("ensure_packages bash coreutils"));
        Assert.Equal("nothing-to-do\n", result.StdOut);
    }

    [Fact]
    public void A_package_that_cannot_be_installed_stops_the_command_and_is_named()
    {
        // apt-get update succeeds (stub, no network), apt-cache is real: the package has no candidate.
        var result = Bash($"ensure_packages bash {Absent}; echo not-reached", StubAptGet("exit 0"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("not-reached", result.StdOut);
        Assert.Contains($"no apt candidate for: {Absent}", result.StdErr);
    }

    [Fact]
    public void A_failing_install_stops_the_command_and_names_the_packages()
    {
        // The stub accepts "update" and fails "install"; bash has a candidate, so install is attempted.
        var stub = StubAptGet("""[ "$1" = update ] && exit 0; echo "E: simulated failure" >&2; exit 100""");
        var result = Bash($"package_installed() {{ false; }}; ensure_packages bash; echo not-reached", stub);
        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("not-reached", result.StdOut);
        Assert.Contains("apt-get install failed for: bash", result.StdErr);
    }

    [Fact]
    public void The_test_command_runs_the_self_check_and_the_install_under_errexit_and_pipefail()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "test.sh"));
        Assert.Contains("set -euo pipefail", script);
        int source = script.IndexOf("source scripts/lib/packages.sh", StringComparison.Ordinal);
        int check = script.IndexOf("\npackages_self_check\n", StringComparison.Ordinal);
        int ensure = script.IndexOf("\nensure_packages \"${apt_packages[@]}\"\n", StringComparison.Ordinal);
        int build = script.IndexOf("dotnet build", StringComparison.Ordinal);
        Assert.True(source > 0 && check > source && ensure > check && build > ensure,
            "test.sh must source the package helpers, run the self-check, then ensure_packages, before building");
    }

    private static ProcessRunner.Result Bash(string commands, string? stubDirectory = null)
    {
        var environment = new Dictionary<string, string>();
        if (stubDirectory is not null) environment["PATH"] = stubDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
        // .NET ignores SIGPIPE and its children inherit that; a shell started from a terminal or CI does not, and the
        // failure these tests guard against needs the default (a pipe reader that quits early kills the writer).
        return ProcessRunner.Run("env", ["--default-signal=PIPE", "bash", "-c", $"set -euo pipefail; source scripts/lib/packages.sh; {commands}"],
            RepoPaths.Root, TimeSpan.FromMinutes(1), environment);
    }

    /// <summary>A folder whose apt-get runs <paramref name="body"/>: the install step without touching the system.</summary>
    private static string StubAptGet(string body)
    {
        var dir = Directory.CreateTempSubdirectory("streamlabel-apt-stub-").FullName;
        var path = Path.Combine(dir, "apt-get");
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }
}
