using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Providers;

namespace StreamLabel.Streaming.Kafka.Tests.Providers;

public sealed class KafkaPartitionsTests
{
    [Fact]
    public void Partitions_of_the_configured_topics_are_discovered()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 3, Topics = ["discover"] });
        var ids = KafkaPartitions.Discover(new KafkaStreamOptions { BootstrapServers = broker.BootstrapServers, Topics = ["discover"] });
        Assert.Equal(["discover:0", "discover:1", "discover:2"], ids);
    }

    /// <summary>
    /// Kafka:Client settings reach the client: SASL settings make it authenticate, which the embedded broker (librdkafka's
    /// mock cluster, no SASL support) refuses. The error carries librdkafka's reason, and not the password.
    /// </summary>
    [Fact]
    public void A_client_setting_failure_is_named_in_the_error_without_the_secret()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = ["sasl"] });
        const string password = "kafka-password-7f3e9a";
        var options = new KafkaStreamOptions
        {
            BootstrapServers = broker.BootstrapServers,
            Topics = ["sasl"],
            MetadataTimeout = TimeSpan.FromSeconds(2),
            Client = new()
            {
                ["security.protocol"] = "SASL_PLAINTEXT",
                ["sasl.mechanism"] = "PLAIN",
                ["sasl.username"] = "streamlabel",
                ["sasl.password"] = password,
            },
        };
        var e = Assert.Throws<InvalidOperationException>(() => KafkaPartitions.Discover(options));
        Assert.Contains("SASL", e.Message);
        Assert.DoesNotContain(password, e.ToString());
    }
}
