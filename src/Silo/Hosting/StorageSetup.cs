using StackExchange.Redis;
using StreamLabel.Silo.Configuration;

namespace StreamLabel.Silo.Hosting;

/// <summary>Registers the grain storages the grains use, on memory by default or Redis / ADO.NET when configured.</summary>
internal static class StorageSetup
{
    /// <summary>Grain storage names used by StreamLabel's grains.</summary>
    public static readonly string[] StorageNames = ["models", "PubSubStore"];

    public static ISiloBuilder UseConfiguredStorage(this ISiloBuilder silo, ClusterSettings settings, KafkaEndpoint kafka)
    {
        var provider = settings.Storage.Provider;
        if (provider.Equals("Memory", StringComparison.OrdinalIgnoreCase) && !kafka.IsEmbedded && !settings.Storage.AllowVolatile)
            throw new InvalidOperationException(
                $"Cluster:Storage:Provider is Memory while Kafka:BootstrapServers names an external broker ({kafka.BootstrapServers}): " +
                "offsets would be committed for model state that a restart loses. Use Redis or AdoNet storage, or set " +
                "Cluster:Storage:AllowVolatile=true to accept that loss");
        foreach (var name in StorageNames)
        {
            if (provider.Equals("Memory", StringComparison.OrdinalIgnoreCase))
                silo.AddMemoryGrainStorage(name);
            else if (provider.Equals("Redis", StringComparison.OrdinalIgnoreCase))
            {
                var connection = ClusteringSetup.Require(settings.Storage.ConnectionString, "Cluster:Storage:ConnectionString");
                silo.AddRedisGrainStorage(name, o => o.ConfigurationOptions = ConfigurationOptions.Parse(connection));
            }
            else if (provider.Equals("AdoNet", StringComparison.OrdinalIgnoreCase))
            {
                var connection = ClusteringSetup.Require(settings.Storage.ConnectionString, "Cluster:Storage:ConnectionString");
                silo.AddAdoNetGrainStorage(name, o => { o.ConnectionString = connection; o.Invariant = settings.Storage.Invariant; });
            }
            else throw new InvalidOperationException($"Cluster:Storage:Provider '{provider}' is not one of: Memory, Redis, AdoNet");
        }
        return silo;
    }
}
