using StreamLabel.Client.Tests.Infrastructure;
using StreamLabel.Streaming.Kafka.Embedded;

namespace StreamLabel.Client.Tests;

/// <summary>`streamlabel replay` takes Kafka:Client settings (SASL/TLS) from --config (or the environment), like the silo.</summary>
public sealed class ReplayKafkaSettingsTests
{
    [Fact]
    public async Task Replay_passes_Kafka_client_settings_from_its_config_and_never_prints_the_password()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = ["replay-sasl"] });
        const string password = "replay-password-4c1d2e";
        string config = Path.Combine(Path.GetTempPath(), $"streamlabel-replay-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Kafka": { "Client": {
                "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN",
                "sasl.username": "streamlabel", "sasl.password": "{{password}}", "message.timeout.ms": "3000" } } }
            """);
        try
        {
            // The embedded broker (librdkafka's mock cluster) has no SASL: a client that got the settings cannot produce.
            var secured = await CliRunner.RunAsync("replay", LiveCluster.Dataset, "--label-column", "class", "--events", "5",
                "--topic", "replay-sasl", "--bootstrap", broker.BootstrapServers, "--config", config, "--no-progress");
            Assert.True(secured.ExitCode != 0, secured.ToString());
            Assert.Contains("SASL", secured.Error);
            Assert.DoesNotContain(password, secured.ToString());

            // Without the config the same replay goes through: the failure above came from the settings.
            var plain = await CliRunner.RunAsync("replay", LiveCluster.Dataset, "--label-column", "class", "--events", "5",
                "--topic", "replay-sasl", "--bootstrap", broker.BootstrapServers, "--no-progress");
            Assert.True(plain.ExitCode == 0, plain.ToString());
        }
        finally { File.Delete(config); }
    }
}
