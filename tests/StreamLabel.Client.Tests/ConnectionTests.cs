using System.Text.Json;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Commands;
using StreamLabel.Client.Connection;
using StreamLabel.Client.Tests.Infrastructure;
using StreamLabel.Testing;

namespace StreamLabel.Client.Tests;

/// <summary>Where the client looks for the cluster: configuration file, then flags; and Redis membership for real.</summary>
public sealed class ConnectionTests
{
    private static ParsedArgs Args(params string[] args) =>
        new(CommandLine.Parse(["status", .. args], new CommandIO(TextWriter.Null, TextWriter.Null, CancellationToken.None)));

    [Fact]
    public void Config_file_gives_the_cluster_and_flags_override_it()
    {
        var file = Path.Combine(Path.GetTempPath(), $"client-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"Cluster": {"ClusterId": "prod", "ServiceId": "svc", "GatewayPort": 31234, "Membership": {"Provider": "Redis", "ConnectionString": "redis:6379"}}}""");
        var fromFile = ConnectionSettings.From(Args("--config", file));
        Assert.Equal(("prod", "svc", 31234, "Redis", "redis:6379"), (fromFile.ClusterId, fromFile.ServiceId, fromFile.GatewayPort, fromFile.Membership, fromFile.ConnectionString));
        var overridden = ConnectionSettings.From(Args("--config", file, "--gateway", "10.0.0.5:30001", "--cluster-id", "other"));
        Assert.Equal(("other", "10.0.0.5", 30001, "Localhost"), (overridden.ClusterId, overridden.GatewayHost, overridden.GatewayPort, overridden.Membership));
    }

    [Fact]
    public void A_repeated_flag_keeps_its_last_value()
    {
        var s = ConnectionSettings.From(Args("--gateway", "10.0.0.1:1", "--cluster-id", "a", "--gateway", "10.0.0.2:2"));
        Assert.Equal(("10.0.0.2", 2, "a"), (s.GatewayHost, s.GatewayPort, s.ClusterId));
    }

    [Fact]
    public void Defaults_are_the_silos_defaults()
    {
        var s = ConnectionSettings.From(Args());
        Assert.Equal(("streamlabel", "streamlabel", "127.0.0.1", 30000, "Localhost"), (s.ClusterId, s.ServiceId, s.GatewayHost, s.GatewayPort, s.Membership));
    }

    [Fact]
    public void A_bad_port_in_the_config_file_is_named()
    {
        var file = Path.Combine(Path.GetTempPath(), $"client-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"Cluster": {"GatewayPort": "thirty"}}""");
        var e = Assert.Throws<UsageException>(() => ConnectionSettings.From(Args("--config", file)));
        Assert.Contains("Cluster:GatewayPort expects a port number", e.Message);
    }

    [Fact]
    public async Task Status_finds_the_silo_through_redis_membership()
    {
        using var redis = RedisServer.Start();
        await using var silo = new SiloProcess(new Dictionary<string, string>
        {
            ["Cluster__Membership__Provider"] = "Redis",
            ["Cluster__Membership__ConnectionString"] = redis.ConnectionString,
        });
        // No gateway address given: the client reads the gateways from the membership table in Redis.
        string[] connect = ["--membership", "redis", "--connection", redis.ConnectionString, "--cluster-id", silo.ClusterId, "--service-id", silo.ClusterId];
        var status = (await silo.WaitForGatewayAsync(TimeSpan.FromSeconds(90), connect)).Json();
        var entry = Assert.Single(status.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", entry.GetProperty("status").GetString());
        var models = await CliRunner.RunAsync(["models", "--json", .. connect]);
        Assert.True(models.ExitCode == 0, models.ToString());
        Assert.Equal(JsonValueKind.Array, models.Json().ValueKind);
    }
}
