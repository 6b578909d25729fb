using Confluent.Kafka;

namespace StreamLabel.Testing;

/// <summary>Reads what landed on a topic (every partition, from the start), for assertions on outputs.</summary>
public static class TopicReader
{
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(string bootstrap, string topic, int partitions, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "reader-" + Guid.NewGuid().ToString("N"), EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < expected && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } r) results.Add(r);
        return results;
    }
}
