using Confluent.Kafka;
using StreamLabel.Streaming.EventFormat;

namespace StreamLabel.Bench.Throughput;

/// <summary>Writes benchmark events to the broker in the provider's event format (key = model key, "ts" = produce time).</summary>
public sealed class EventProducer(string bootstrap) : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
    {
        BootstrapServers = bootstrap, LingerMs = 5, BatchNumMessages = 2_000, BatchSize = 256 * 1024, // small batches: the mock broker stalls fetching ~1 MB record batches
        QueueBufferingMaxMessages = 1_000_000,
        Partitioner = Partitioner.Murmur2Random,
    }).Build();
    private long _failed;

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Key k goes to partition k mod P (spread evenly: the mock broker keeps only about 5 MB per partition and
    /// drops the oldest records beyond that, so an unlucky hash would lose events).</summary>
    public void Produce(string topic, int partitions, SyntheticStream stream, int index, long timestampMs)
    {
        var message = new Message<byte[], byte[]>
        {
            Key = System.Text.Encoding.UTF8.GetBytes(stream.KeyNames[stream.KeyOf[index]]),
            Value = EventWriter.Write(stream.Row(index), SyntheticStream.Classes[stream.Labels[index]], timestampMs: timestampMs),
        };
        while (true)
        {
            try
            {
                _producer.Produce(new TopicPartition(topic, stream.KeyOf[index] % partitions), message, r => { if (r.Error.IsError) Interlocked.Increment(ref _failed); });
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    /// <summary>Waits until every produced message is acknowledged; throws when any failed.</summary>
    public void Flush()
    {
        _producer.Flush(TimeSpan.FromMinutes(2));
        if (Failed > 0) throw new InvalidOperationException($"{Failed} benchmark events could not be produced");
    }

    public void Dispose() => _producer.Dispose();
}
