using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Hosting;
using StreamLabel.Streaming.Kafka.Tests.Grains;
using StreamLabel.Testing;

namespace StreamLabel.Streaming.Kafka.Tests.Provider;

/// <summary>The silo binds the "Kafka" configuration section; bad settings stop the silo with the option's name.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task A_silo_configured_from_the_Kafka_section_delivers_events()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = ["configured"] });
        var section = Section(new()
        {
            ["Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["Kafka:Topics:0"] = "configured",
            ["Kafka:ConsumerGroup"] = "g-configured",
            ["Kafka:DeadLetterTopic"] = "configured-dlq",
            ["Kafka:Client:client.rack"] = "rack-1",   // passed through to librdkafka
        });
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo
            .AddKafkaStreams(KafkaTestCluster.ProviderName, section)
            .AddMemoryGrainStorage(KafkaTestCluster.StorageName)
            .Services.AddSingleton(new ConsumerBehavior()));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var produced = KafkaTestData.ProduceSequences(broker.BootstrapServers, "configured", ["cfg-a", "cfg-b"], 40);
        await Eventually.HoldsAsync(async () =>
            {
                foreach (var (key, count) in produced)
                    if ((await cluster.Client.GetGrain<ITestConsumerGrain>(key).GetSnapshotAsync()).Applied != count) return false;
                return true;
            }, TimeSpan.FromSeconds(60), () => Task.FromResult("events not applied"));
    }

    [Fact]
    public async Task A_silo_with_an_invalid_option_does_not_start_and_the_error_names_the_option()
    {
        var section = Section(new() { ["Kafka:BootstrapServers"] = "127.0.0.1:9", ["Kafka:MaxInFlightEventsPerQueue"] = "0" });
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddKafkaStreams(KafkaTestCluster.ProviderName, section).AddMemoryGrainStorage(KafkaTestCluster.StorageName));
        await using var cluster = builder.Build();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Kafka:MaxInFlightEventsPerQueue", e.ToString());
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Kafka");
}
