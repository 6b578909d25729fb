using StreamLabel.Bench.Kafka;

namespace StreamLabel.Bench.Tests;

/// <summary>Each bench command's --help (exit 0, its options on stdout) and a usage error (exit 2, naming the option).</summary>
public sealed class BenchCommandLineTests
{
    [Theory]
    [InlineData("quality", "--noise-kind")]
    [InlineData("throughput", "--backlog-batch")]
    [InlineData("bank", "--memory-students")]
    [InlineData("teacher-device", "--require-cuda")]
    public async Task A_command_s_help_exits_0_and_lists_its_options(string command, string option)
    {
        var (code, stdout, stderr) = await RunAsync(BenchCommandLine.RunAsync, [command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains($"streamlabel-bench {command} [options]", stdout);
        Assert.Contains(option, stdout);
        Assert.Empty(stderr);
    }

    [Theory]
    [InlineData("quality")]
    [InlineData("throughput")]
    [InlineData("bank")]
    [InlineData("teacher-device")]
    public async Task An_unknown_option_exits_2_naming_it(string command)
    {
        var (code, stdout, stderr) = await RunAsync(BenchCommandLine.RunAsync, [command, "--colour", "red"]);
        Assert.Equal(2, code);
        Assert.StartsWith($"{command}: unknown option '--colour'", stderr);
        Assert.Empty(stdout);
    }

    [Theory]
    [InlineData(new[] { "quality", "--data", "x.csv", "--noise", "1.5" }, "quality: --noise must be in [0, 1) (got 1.5)")]
    [InlineData(new[] { "throughput", "--keys", "0" }, "throughput: --keys must be an integer >= 1 (got '0')")]
    [InlineData(new[] { "bank", "--events", "4", "--keys", "8" }, "bank: --events (4) must be at least --keys (8)")]
    [InlineData(new[] { "teacher-device", "--devices", "tpu" }, "teacher-device: --devices: 'tpu' is not one of cpu, cuda, auto")]
    [InlineData(new[] { "teacher-device", "--teacher", "forest" }, "teacher-device: --teacher must be ensemble or replay (got 'forest')")]
    [InlineData(new[] { "bank", "--workers", "1,0" }, "bank: --workers: '0' is not a worker count >= 1")]
    [InlineData(new[] { "throughput", "--keys" }, "throughput: --keys needs a value")]
    public async Task A_bad_value_exits_2_with_the_command_s_message(string[] args, string message)
    {
        var (code, _, stderr) = await RunAsync(BenchCommandLine.RunAsync, args);
        Assert.Equal(2, code);
        Assert.StartsWith(message, stderr);
    }

    [Fact]
    public async Task No_command_prints_the_commands_and_exits_2()
    {
        var (code, _, stderr) = await RunAsync(BenchCommandLine.RunAsync, []);
        Assert.Equal(2, code);
        Assert.Contains("teacher-device", stderr);
    }

    [Fact]
    public async Task The_kafka_bench_s_provider_help_exits_0_and_lists_its_options()
    {
        var (code, stdout, _) = await RunAsync(KafkaBenchCommandLine.RunAsync, ["provider", "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("streamlabel-bench-kafka provider [options]", stdout);
        Assert.Contains("--partitions", stdout);
    }

    [Theory]
    [InlineData(new[] { "provider", "--colour", "red" }, "provider: unknown option '--colour'")]
    [InlineData(new[] { "provider", "--events", "many" }, "provider: --events must be an integer >= 1 (got 'many')")]
    public async Task The_kafka_bench_s_usage_errors_exit_2_naming_the_option(string[] args, string message)
    {
        var (code, _, stderr) = await RunAsync(KafkaBenchCommandLine.RunAsync, args);
        Assert.Equal(2, code);
        Assert.StartsWith(message, stderr);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(
        Func<string[], TextWriter, TextWriter, Task<int>> program, string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await program(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
