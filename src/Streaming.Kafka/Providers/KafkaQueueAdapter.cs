using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using StreamLabel.Streaming.Kafka.DataAdapters;
using StreamLabel.Streaming.Kafka.DeadLetters;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>Read-only adapter: one receiver per topic-partition queue. Events enter Kafka through Kafka producers.</summary>
internal sealed class KafkaQueueAdapter(
    string name,
    HashRingBasedPartitionedStreamQueueMapper mapper,
    KafkaStreamOptions options,
    Func<IKafkaDataAdapter> newDataAdapter,
    DeadLetterProducer deadLetters,
    IGrainFactory grains,
    ILoggerFactory loggerFactory,
    KafkaStreamMetrics metrics) : IQueueAdapter
{
    public string Name => name;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new KafkaQueueAdapterReceiver(name, KafkaPartitions.Parse(mapper.QueueToPartition(queueId)), options, newDataAdapter(), deadLetters, grains,
            metrics, loggerFactory.CreateLogger<KafkaQueueAdapterReceiver>());

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new NotSupportedException($"Kafka stream provider '{name}' is read-only: produce events to Kafka topics {string.Join(", ", options.EffectiveTopics)}");
}
