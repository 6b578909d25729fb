using StreamLabel.Reliability.Tests.Cluster;
using StreamLabel.Reliability.Tests.Support;
using StreamLabel.Testing;
using Xunit.Abstractions;

namespace StreamLabel.Reliability.Tests;

/// <summary>
/// Secrets come from configuration (here: environment variables, as Kubernetes Secrets provide them), reach the clients
/// that need them, and appear in no log. The suite's cluster runs on a password-protected redis-server (the launcher's
/// STREAMLABEL_REDIS_PASSWORD, a unique value per run).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SecretsTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 700;

    /// <summary>
    /// Redis refuses clients without the password, yet the silos keep their membership table and grain state there and
    /// learn a replay: the password reached StackExchange.Redis. A further silo process gets Kafka SASL settings
    /// (Kafka__Client__sasl.password etc.) from its environment and every Orleans option dump enabled
    /// (Information level); the embedded broker (librdkafka's mock cluster) has no SASL, so the silo's Kafka client fails
    /// its SASL handshake — which shows the settings reached librdkafka — and the silo stops with that reason. Neither
    /// password is in anything any process wrote, nor in /diagnostics.
    /// </summary>
    [Fact]
    public async Task Redis_and_Kafka_passwords_from_the_environment_are_used_and_never_logged()
    {
        fixture.EnsureAllSilosRunning();
        var results = new ReliabilityResults(output, "secrets");
        var cluster = fixture.Cluster;
        string redisPassword = cluster.RedisPassword ?? throw new InvalidOperationException("the fixture sets no Redis password");
        string kafkaPassword = "kafka-secret-" + Guid.NewGuid().ToString("N");

        string anonymous = await RedisProbe.AnonymousPingAsync(cluster);
        results.Figure("redis answer to PING without the password", anonymous);
        Assert.StartsWith("-NOAUTH", anonymous);
        Assert.True(await RedisProbe.KeyExistsAsync(cluster, $"{cluster.ClusterId}/members/{cluster.ClusterId}"),
            "the silos' membership table is not in the password-protected Redis");

        var scenario = new Elec2Scenario(keyOffset: 90, Rows, skip: 30000);
        await scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, 0, Rows);
        await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows, TimeSpan.FromSeconds(90),
            async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of {Rows}");
        OutageTests.AssertLearnedExactly(scenario, await fixture.MetricsAsync(scenario.Keys));

        string id = "secrets-" + Guid.NewGuid().ToString("N")[..6];
        using var silo = new SiloProcess(new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = id,
            ["Cluster__ServiceId"] = id,
            ["Cluster__SiloName"] = id,
            ["Cluster__AdvertisedIP"] = "127.0.0.1",
            ["Cluster__SiloPort"] = LocalHost.FreePort().ToString(),
            ["Cluster__GatewayPort"] = LocalHost.FreePort().ToString(),
            ["Cluster__Membership__Provider"] = "Redis",
            ["Cluster__Membership__ConnectionString"] = cluster.RedisConnection,
            ["Cluster__Storage__Provider"] = "Redis",
            ["Cluster__Storage__ConnectionString"] = cluster.RedisConnection,
            ["Health__Urls"] = $"http://127.0.0.1:{LocalHost.FreePort()}",
            ["Replay__Enabled"] = "false",
            ["Kafka__BootstrapServers"] = cluster.Bootstrap,
            ["Kafka__Topics__0"] = ClusterFixture.Topic,
            ["Kafka__MetadataTimeout"] = "00:00:05",
            ["Kafka__Client__security.protocol"] = "SASL_PLAINTEXT",
            ["Kafka__Client__sasl.mechanism"] = "PLAIN",
            ["Kafka__Client__sasl.username"] = "streamlabel",
            ["Kafka__Client__sasl.password"] = kafkaPassword,
            // Every option dump Orleans writes at startup, and the hosts' own messages.
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Information",
            ["Logging__LogLevel__Microsoft"] = "Information",
        });
        bool exited = await silo.WaitForExitAsync(TimeSpan.FromSeconds(120));
        string log = silo.Output;
        results.Figure("SASL silo: exited / exit code / output", $"{exited} / {silo.ExitCode} / {log.Length} chars");
        results.Note("SASL silo's last Kafka error: " + log.Split('\n').LastOrDefault(l => l.Contains("SASL", StringComparison.Ordinal))?.Trim());
        Assert.True(exited, "the silo whose Kafka client cannot authenticate did not stop");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains("SASL", log); // librdkafka tried to authenticate: the SASL settings reached it
        Assert.Contains("password=*****", log); // Orleans dumped the Redis options, with the password masked
        string members = $"{id}/members/{id}";
        Assert.True(await RedisProbe.KeyExistsAsync(cluster, members), "the SASL silo did not reach the password-protected Redis");
        await RedisProbe.DeleteAsync(cluster, members);

        var (sources, characters) = await SecretScan.AssertNotExposedAsync(cluster, [redisPassword, kafkaPassword], ("SASL silo output", log));
        results.Figure("events produced / learned", $"{Rows} / {await fixture.TotalSeenAsync(scenario.Keys)}");
        results.Figure("outputs scanned for the passwords (logs, /diagnostics)", $"{sources} ({characters} chars)");
    }
}
