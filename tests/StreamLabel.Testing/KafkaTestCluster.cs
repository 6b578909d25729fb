using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;
using StackExchange.Redis;
using StreamLabel.Streaming.Kafka;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Hosting;

namespace StreamLabel.Testing;

/// <summary>
/// Builds in-process Orleans clusters of N silos that read the embedded Kafka broker through the Kafka stream provider,
/// with grain storage named <see cref="StorageName"/>: Redis when a <see cref="RedisServer"/> is given (state survives a
/// silo stop), memory otherwise (only for tests that stop no silo: memory storage dies with its silo).
/// </summary>
public static class KafkaTestCluster
{
    public const string ProviderName = "kafka";
    public const string StorageName = "store";

    public static InProcessTestClusterBuilder CreateBuilder(short silos, EmbeddedKafkaBroker broker, RedisServer? redis,
        Action<KafkaStreamOptions> configureKafka, Action<ISiloBuilder>? configureSilo = null,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddKafkaStreams(ProviderName, options =>
            {
                options.BootstrapServers = broker.BootstrapServers;
                configureKafka(options);
            }, configureStream);
            if (redis is not null)
                silo.AddRedisGrainStorage(StorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis.ConnectionString));
            else
                silo.AddMemoryGrainStorage(StorageName);
            configureSilo?.Invoke(silo);
        });
        return builder;
    }

    /// <summary>Builds and deploys the cluster.</summary>
    public static async Task<InProcessTestCluster> StartAsync(short silos, EmbeddedKafkaBroker broker, RedisServer? redis,
        Action<KafkaStreamOptions> configureKafka, Action<ISiloBuilder>? configureSilo = null,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        var cluster = CreateBuilder(silos, broker, redis, configureKafka, configureSilo, configureStream).Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
