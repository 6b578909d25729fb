namespace StreamLabel.Streaming.Kafka.Events;

/// <summary>The "topic:partition" string that names a partition in offset maps.</summary>
public static class TopicPartitionKey
{
    public static string Of(string topic, int partition) => string.Concat(topic, ":", partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
