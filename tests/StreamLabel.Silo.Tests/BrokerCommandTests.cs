using StreamLabel.Silo.Hosting;

namespace StreamLabel.Silo.Tests;

/// <summary>`streamlabel-silo broker`'s own command line: --help and usage errors (the broker itself is not started).</summary>
public sealed class BrokerCommandTests
{
    [Fact]
    public async Task Help_exits_0_and_lists_the_options()
    {
        var (code, stdout, _) = await RunAsync(["--help"]);
        Assert.Equal(0, code);
        Assert.Contains("streamlabel-silo broker [options]", stdout);
        Assert.Contains("--brokers", stdout);
        Assert.Contains("--partitions", stdout);
        Assert.Contains("--topics", stdout);
    }

    [Theory]
    [InlineData(new[] { "--colour", "red" }, "streamlabel-silo broker: unknown option '--colour'")]
    [InlineData(new[] { "--partitions", "many" }, "streamlabel-silo broker: --partitions expects a whole number, got 'many'")]
    [InlineData(new[] { "--topics" }, "streamlabel-silo broker: --topics needs a value")]
    public async Task A_usage_error_exits_2_naming_the_option(string[] args, string message)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.Equal(2, code);
        Assert.StartsWith(message, stderr);
        Assert.Empty(stdout); // no broker address: nothing was started
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await BrokerCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
