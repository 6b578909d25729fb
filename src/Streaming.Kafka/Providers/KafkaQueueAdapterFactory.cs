using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using StreamLabel.Streaming.Kafka.DataAdapters;
using StreamLabel.Streaming.Kafka.DeadLetters;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>Creates the Kafka adapter, its per-partition cache and the partition-per-queue mapper.</summary>
public sealed class KafkaQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly string _name;
    private readonly KafkaStreamOptions _options;
    private readonly Func<IKafkaDataAdapter> _newDataAdapter;
    private readonly DeadLetterProducer _deadLetters;
    private readonly IGrainFactory _grains;
    private readonly ILoggerFactory _loggerFactory;
    private readonly KafkaStreamMetrics _metrics;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly Lazy<HashRingBasedPartitionedStreamQueueMapper> _mapper;

    private KafkaQueueAdapterFactory(string name, KafkaStreamOptions options, Func<IKafkaDataAdapter> newDataAdapter, DeadLetterProducer deadLetters,
        IGrainFactory grains, ILoggerFactory loggerFactory, KafkaStreamMetrics metrics)
    {
        (_name, _options, _newDataAdapter, _deadLetters, _grains, _loggerFactory, _metrics) = (name, options, newDataAdapter, deadLetters, grains, loggerFactory, metrics);
        _cache = new SimpleQueueAdapterCache(new SimpleQueueCacheOptions { CacheSize = options.CacheSize }, name, loggerFactory);
        _mapper = new(() => new HashRingBasedPartitionedStreamQueueMapper(KafkaPartitions.Discover(options), name));
    }

    /// <summary>The factory delegate for <c>AddPersistentStreams</c>. The data adapter is resolved once per partition reader
    /// (a keyed transient), so each reader has its own.</summary>
    public static KafkaQueueAdapterFactory Create(IServiceProvider services, string name) =>
        new(name, services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name),
            () => services.GetRequiredKeyedService<IKafkaDataAdapter>(name), services.GetRequiredKeyedService<DeadLetterProducer>(name), services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<ILoggerFactory>(), services.GetRequiredService<KafkaStreamMetrics>());

    public Task<IQueueAdapter> CreateAdapter() =>
        Task.FromResult<IQueueAdapter>(new KafkaQueueAdapter(_name, _mapper.Value, _options, _newDataAdapter, _deadLetters, _grains, _loggerFactory, _metrics));

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper.Value;

    // Delivery failures are not the end of an event: it stays undurable and is delivered again (see the receiver).
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}
