using Confluent.Kafka;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>Discovers the partitions of the configured topics from Kafka metadata; each becomes one Orleans queue.</summary>
internal static class KafkaPartitions
{
    /// <summary>"topic:partition" ids, retrying until <see cref="KafkaStreamOptions.MetadataTimeout"/>.</summary>
    public static List<string> Discover(KafkaStreamOptions options)
    {
        var config = new AdminClientConfig(new Dictionary<string, string>(options.Client)) { BootstrapServers = options.BootstrapServers };
        // librdkafka's own reason (a SASL or TLS failure, say) explains more than the metadata call's "transport failure",
        // so it goes into the error below rather than raw to stderr. librdkafka never puts secrets in its messages.
        string? clientError = null;
        using var admin = new AdminClientBuilder(config)
            .SetErrorHandler((_, e) => clientError = e.Reason)
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) clientError = m.Message; })
            .Build();
        var deadline = DateTime.UtcNow + options.MetadataTimeout;
        string problem = "";
        while (true)
        {
            try
            {
                var ids = new List<string>();
                var missing = new List<string>();
                foreach (var topic in options.EffectiveTopics)
                {
                    var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(t => t.Topic == topic);
                    if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0) { missing.Add(topic); continue; }
                    ids.AddRange(metadata.Partitions.OrderBy(p => p.PartitionId).Select(p => Events.TopicPartitionKey.Of(topic, p.PartitionId)));
                }
                if (missing.Count == 0) return ids;
                problem = $"Kafka:Topics names topics the cluster does not have (or has no partitions for): {string.Join(", ", missing)}";
            }
            catch (KafkaException e)
            {
                problem = $"cannot read metadata from Kafka:BootstrapServers '{options.BootstrapServers}': {e.Error.Reason}";
            }
            if (DateTime.UtcNow >= deadline)
                throw new InvalidOperationException(clientError is null ? problem : $"{problem} (last Kafka client error: {clientError})");
            Thread.Sleep(500);
        }
    }

    public static TopicPartition Parse(string id)
    {
        int colon = id.LastIndexOf(':');
        return new TopicPartition(id[..colon], new Partition(int.Parse(id[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }
}
