namespace StreamLabel.Streaming.Kafka.Embedded;

/// <summary>Settings of the embedded Kafka-protocol broker (configuration section "EmbeddedBroker").</summary>
public sealed class EmbeddedBrokerOptions
{
    /// <summary>Whether a silo without Kafka:BootstrapServers starts this broker. Default (unset): yes outside Kubernetes; a silo in
    /// Kubernetes (KUBERNETES_SERVICE_HOST set) without BootstrapServers fails at start-up rather than learn from a
    /// private test broker. true: always; false: never.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Number of mock brokers. Default 1.</summary>
    public int Brokers { get; set; } = 1;

    /// <summary>Topics created up front, with <see cref="Partitions"/> partitions each. Default (when empty): "events".
    /// Empty rather than pre-filled: the configuration binder appends configured items to an existing list.</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>The configured topics, or "events" when none are.</summary>
    public IReadOnlyList<string> EffectiveTopics => Topics.Count > 0 ? Topics : ["events"];

    /// <summary>Partitions per topic created up front. Default 8.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Replication factor of the topics created up front (at most <see cref="Brokers"/>). Default 1.</summary>
    public int ReplicationFactor { get; set; } = 1;

    public void Validate()
    {
        if (Brokers < 1) throw new ArgumentOutOfRangeException(nameof(Brokers), Brokers, "EmbeddedBroker:Brokers must be at least 1");
        if (Partitions < 1) throw new ArgumentOutOfRangeException(nameof(Partitions), Partitions, "EmbeddedBroker:Partitions must be at least 1");
        if (ReplicationFactor < 1 || ReplicationFactor > Brokers)
            throw new ArgumentOutOfRangeException(nameof(ReplicationFactor), ReplicationFactor, "EmbeddedBroker:ReplicationFactor must be between 1 and Brokers");
        foreach (var topic in EffectiveTopics)
            if (string.IsNullOrWhiteSpace(topic) || topic.Length > 249)
                throw new ArgumentException($"EmbeddedBroker:Topics holds an invalid topic name '{topic}'", nameof(Topics));
    }
}
