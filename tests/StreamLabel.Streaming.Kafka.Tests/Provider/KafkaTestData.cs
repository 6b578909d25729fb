using System.Text;
using Confluent.Kafka;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Testing;

namespace StreamLabel.Streaming.Kafka.Tests.Provider;

/// <summary>Produces test events and reads broker-side facts (end offsets, committed offsets, dead letters).</summary>
internal static class KafkaTestData
{
    /// <summary>Produces <paramref name="count"/> valid events round-robin over <paramref name="keys"/>, each with id
    /// "key:seq" (seq counts per key from <paramref name="firstSequence"/>); returns events produced per key.</summary>
    public static Dictionary<string, int> ProduceSequences(string bootstrap, string topic, IReadOnlyList<string> keys, int count,
        Dictionary<string, int>? continueFrom = null)
    {
        var produced = continueFrom is null ? keys.ToDictionary(k => k, _ => 0) : new Dictionary<string, int>(continueFrom);
        using var producer = Producer(bootstrap);
        for (int i = 0; i < count; i++)
        {
            string key = keys[i % keys.Count];
            int sequence = produced[key]++;
            var value = EventWriter.Write([sequence, i % 7, 0.5f], sequence % 2 == 0 ? "a" : "b", $"{key}:{sequence}");
            Produce(producer, topic, Encoding.UTF8.GetBytes(key), value);
        }
        producer.Flush(TimeSpan.FromSeconds(30));
        return produced;
    }

    public static IProducer<byte[], byte[]> Producer(string bootstrap) =>
        new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 2, MessageTimeoutMs = 60_000 }).Build();

    public static void Produce(IProducer<byte[], byte[]> producer, string topic, byte[]? key, byte[]? value, Headers? headers = null)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, new Message<byte[], byte[]> { Key = key!, Value = value!, Headers = headers }, report =>
                {
                    if (report.Error.IsError) throw new InvalidOperationException("test produce failed: " + report.Error.Reason);
                });
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(20));
            }
        }
    }

    /// <summary>Per partition: (committed offset of the group, end offset).</summary>
    public static List<(int Partition, long Committed, long End)> Progress(string bootstrap, string topic, int partitions, string group)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group }).Build();
        var tps = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        var committed = consumer.Committed(tps, TimeSpan.FromSeconds(10));
        return tps.Select(tp => (tp.Partition.Value,
                committed.Single(c => c.Partition == tp.Partition).Offset.Value,
                consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value))
            .ToList();
    }

    /// <summary>Reads every record of a topic from the start (all partitions) until <paramref name="expected"/> or the timeout.</summary>
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(string bootstrap, string topic, int expected, TimeSpan timeout) =>
        TopicReader.ReadAll(bootstrap, topic, partitions: 1, expected, timeout);

    public static string Header(ConsumeResult<byte[], byte[]> r, string name) =>
        r.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";
}
