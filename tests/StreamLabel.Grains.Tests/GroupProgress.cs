using Confluent.Kafka;

namespace StreamLabel.Grains.Tests;

/// <summary>How far the silos' consumer group has committed a topic: what a restart would resume from.</summary>
internal static class GroupProgress
{
    /// <summary>The consumer group the silos read with (Kafka:ConsumerGroup's default).</summary>
    public const string Group = "streamlabel";

    /// <summary>Per partition: the group's committed offset (-1001 when none) and the end offset.</summary>
    public static List<(int Partition, long Committed, long End)> Of(string bootstrap, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = Group }).Build();
        var tps = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        var committed = consumer.Committed(tps, TimeSpan.FromSeconds(10));
        return [.. tps.Select(tp => (tp.Partition.Value, committed.Single(c => c.Partition == tp.Partition).Offset.Value,
            consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value))];
    }

    /// <summary>True when every partition is committed to its end (consumer lag 0).</summary>
    public static bool CaughtUp(string bootstrap, string topic, int partitions) =>
        Of(bootstrap, topic, partitions).All(p => p.Committed == p.End);

    public static string Describe(string bootstrap, string topic, int partitions) =>
        string.Join(", ", Of(bootstrap, topic, partitions).Select(p => $"p{p.Partition}: committed {p.Committed} / end {p.End}"));

    /// <summary>The end offset of a one-partition topic: how many records were ever written to it.</summary>
    public static long EndOf(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = Group }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
    }
}
