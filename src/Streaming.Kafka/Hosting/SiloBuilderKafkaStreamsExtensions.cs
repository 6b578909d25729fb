using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using StreamLabel.Streaming.Kafka.DataAdapters;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Providers;

namespace StreamLabel.Streaming.Kafka.Hosting;

/// <summary>Registers the Kafka stream provider in a silo.</summary>
public static class SiloBuilderKafkaStreamsExtensions
{
    /// <summary>The provider's meter, for metrics exporters (OpenTelemetry's AddMeter).</summary>
    public const string MeterName = KafkaStreamMetrics.MeterName;

    /// <summary>Adds the provider, options set in code. Also registers <see cref="IDeadLetterWriter"/> and
    /// <see cref="KafkaOutputProducer"/> (keyed by <paramref name="name"/>; the first provider's also unkeyed).</summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder builder, string name, Action<KafkaStreamOptions> configureOptions,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null) =>
        builder.AddKafkaStreams(name, ob => ob.Configure(configureOptions), configureStream);

    /// <summary>Adds the provider, options bound from a configuration section (usually "Kafka").</summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder builder, string name, IConfiguration section,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null) =>
        builder.AddKafkaStreams(name, ob => ob.Bind(section), configureStream);

    /// <summary>Adds the provider, options through an options builder; <paramref name="configureStream"/> can change the
    /// pulling agent, queue balancer, cache or data adapter (defaults: implicit subscriptions only, poll every
    /// Kafka:PollInterval, StreamLabel's JSON event format).</summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder builder, string name, Action<OptionsBuilder<KafkaStreamOptions>> configureOptions,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        var services = builder.Services;
        configureOptions(services.AddOptions<KafkaStreamOptions>(name).ValidateOnStart());
        services.AddMetrics();
        services.TryAddSingleton<KafkaStreamMetrics>();
        services.AddSingleton<IValidateOptions<KafkaStreamOptions>>(new KafkaStreamOptionsValidator(name));
        services.AddKeyedSingleton(name, (sp, _) => new KafkaOutputProducer(Options(sp, name), sp.GetRequiredService<ILogger<KafkaOutputProducer>>()));
        services.AddKeyedSingleton(name, (sp, _) => new DeadLetterProducer(Options(sp, name), sp.GetRequiredKeyedService<KafkaOutputProducer>(name), sp.GetRequiredService<KafkaStreamMetrics>()));
        services.AddKeyedSingleton<IDeadLetterWriter>(name, (sp, _) => sp.GetRequiredKeyedService<DeadLetterProducer>(name));
        services.TryAddSingleton<IDeadLetterWriter>(sp => sp.GetRequiredKeyedService<IDeadLetterWriter>(name));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<KafkaOutputProducer>(name));

        builder.AddPersistentStreams(name, KafkaQueueAdapterFactory.Create, stream =>
        {
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            stream.ConfigurePullingAgent(agent => agent.Configure<IOptionsMonitor<KafkaStreamOptions>>((o, kafka) =>
            {
                o.GetQueueMsgsTimerPeriod = kafka.Get(name).PollInterval;
                o.MaxEventDeliveryTime = kafka.Get(name).MaxDeliveryTime;
            }));
            configureStream?.Invoke(stream);
        });
        // After configureStream: a data adapter it registered (UseDataAdapter) wins over StreamLabel's JSON format.
        services.TryAddKeyedTransient<IKafkaDataAdapter>(name, (sp, _) => new JsonEventAdapter(Options(sp, name)));
        return builder;
    }

    private static KafkaStreamOptions Options(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name);
}
