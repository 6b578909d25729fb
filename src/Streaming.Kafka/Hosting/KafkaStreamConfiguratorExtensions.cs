using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using StreamLabel.Streaming.Kafka.DataAdapters;

namespace StreamLabel.Streaming.Kafka.Hosting;

/// <summary>Settings of one Kafka stream provider made in the <c>configureStream</c> action of <c>AddKafkaStreams</c>.</summary>
public static class KafkaStreamConfiguratorExtensions
{
    /// <summary>
    /// Reads records with another payload format than StreamLabel's JSON one. <paramref name="factory"/> gets the
    /// services and the provider name and is called once per partition reader, so the adapter may keep per-partition
    /// state (see <see cref="IKafkaDataAdapter"/>).
    /// </summary>
    public static ISiloPersistentStreamConfigurator UseDataAdapter(this ISiloPersistentStreamConfigurator stream,
        Func<IServiceProvider, string, IKafkaDataAdapter> factory)
    {
        string name = stream.Name;
        stream.ConfigureDelegate(services => services.AddKeyedTransient(name, (sp, _) => factory(sp, name)));
        return stream;
    }
}
