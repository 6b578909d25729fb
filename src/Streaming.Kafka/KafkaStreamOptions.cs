namespace StreamLabel.Streaming.Kafka;

/// <summary>
/// Settings of the Kafka stream provider (configuration section "Kafka"). Every property documents its default and unit.
/// </summary>
public sealed class KafkaStreamOptions
{
    /// <summary>Configuration section the silo binds.</summary>
    public const string Section = "Kafka";

    /// <summary>Kafka bootstrap servers, "host:port[,host:port]". Required (the silo host fills it with the embedded broker's address when empty).</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>Topics to read; each partition becomes one Orleans queue. Default (when empty): ["events"].</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>Consumer group whose committed offsets record progress. Default "streamlabel".</summary>
    public string ConsumerGroup { get; set; } = "streamlabel";

    /// <summary>Orleans stream namespace of the events; grains subscribe with [ImplicitStreamSubscription] on it. Default "streamlabel".</summary>
    public string StreamNamespace { get; set; } = "streamlabel";

    /// <summary>Topic that receives rejected records (original bytes + reason headers). Default "streamlabel-dead-letters".</summary>
    public string DeadLetterTopic { get; set; } = "streamlabel-dead-letters";

    /// <summary>librdkafka settings passed through to every consumer and producer (e.g. security.protocol, sasl.mechanism,
    /// sasl.username, sasl.password, ssl.ca.location). Default none. Settings the provider owns (bootstrap.servers,
    /// group.id, enable.auto.commit) are overridden.</summary>
    public Dictionary<string, string> Client { get; set; } = [];

    /// <summary>Most records read from one partition per pull (one call of the pulling agent). Default 2000.</summary>
    public int MaxBatchRecords { get; set; } = 2000;

    /// <summary>How often the pulling agent asks each partition for records. Default 20 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Longest a consumer's fetch waits at the broker for records when its partition has none (librdkafka's
    /// fetch.wait.max.ms; Kafka:Client may set that directly and wins). A real broker answers as soon as records arrive,
    /// so this costs no latency there; librdkafka's mock cluster (the embedded broker) does not, and answers only after
    /// the whole wait: a caught-up partition then delivers up to this late (500 ms measured p99 at low load). Null =
    /// librdkafka's default, 500 ms; the silo sets 25 ms when it starts the embedded broker. Default null.</summary>
    public TimeSpan? FetchWaitMax { get; set; }

    /// <summary>Backpressure: most events per partition delivered (or in the cache) but not yet durable in their grains.
    /// At the limit the partition is paused until grains report durability. Default 20000 events.</summary>
    public int MaxInFlightEventsPerQueue { get; set; } = 20_000;

    /// <summary>Backpressure by memory: most bytes per partition of events delivered (or cached) but not yet durable,
    /// counted as each event's original value, 4 bytes per feature and 160 bytes of objects. Reading stops at the limit
    /// (one event beyond it at most) until grains report durability. Keep it below Orleans' message size limit (100 MB):
    /// a key's redelivered backlog travels in containers of at most Kafka:MaxBatchRecords events. Default 64 MiB.</summary>
    public long MaxInFlightBytesPerQueue { get; set; } = 64L << 20;

    /// <summary>How often a partition asks the grains with undurable events for their durable offsets, then commits.
    /// Events stay in flight (counted against <see cref="MaxInFlightEventsPerQueue"/>) until the poll after they became
    /// durable, so at a busy partition's rate a long interval pauses reading rather than saving work. Default 250 ms.</summary>
    public TimeSpan DurabilityPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A key whose oldest undurable event made no progress this long gets its undurable events delivered again
    /// (covers deliveries the pulling agent lost; grains skip duplicates). Must exceed the grains' persist interval. Default 30 s.</summary>
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries of one key that may fail in a row before the key is quarantined: its undurable events, and
    /// every later one, go to the dead-letter topic with reason grain-unavailable, so the partition moves on, until an
    /// operator releases the key (`streamlabel quarantine release KEY`). A delivery has failed when the reader delivers
    /// the key's events again (its grain reported a gap, or they made no progress for Kafka:RedeliverAfter); the key is
    /// quarantined only when, besides, it made no progress for Kafka:RedeliverAfter while another key of its partition
    /// did within this many times Kafka:RedeliverAfter (when no key progresses, e.g. storage is down for every grain,
    /// the partition waits instead of dead-lettering every key). 0 = never: the partition then waits for the grain
    /// however long. Default 5.</summary>
    public int QuarantineAfterFailedDeliveries { get; set; } = 5;

    /// <summary>How long Orleans' pulling agent retries one delivery to a grain, and the subscription handshake with a
    /// key's grain when the key's first event arrives (its StreamPullingAgentOptions.MaxEventDeliveryTime; Orleans'
    /// default is 1 min). While a new key's handshake is retried the agent reads nothing more from the partition, so a key
    /// whose grain cannot run held every key of its partition, and the counting of its failed deliveries, this long.
    /// Giving up loses nothing: the events stay undurable and are delivered again after Kafka:RedeliverAfter. Default 10 s.</summary>
    public TimeSpan MaxDeliveryTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one durability question to one grain. Default 10 s.</summary>
    public TimeSpan DurabilityCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Grain class name prefix used to resolve <c>IDurableOffsetSource</c> when several grain classes
    /// implement it. Default null (the only implementation).</summary>
    public string? DurableOffsetGrainClassPrefix { get; set; }

    /// <summary>Largest accepted record value. The silo's producer must take a dead letter of this size plus 4096 bytes:
    /// its message.max.bytes defaults to that, and a Kafka:Client:message.max.bytes below it is refused at start.
    /// Default 1 MiB (1048576 bytes).</summary>
    public int MaxRecordBytes { get; set; } = 1 << 20;

    /// <summary>Most features in one event. Default 65536.</summary>
    public int MaxFeatures { get; set; } = 65_536;

    /// <summary>Feature count every event must have; null = not checked here (the grain checks against its model).
    /// Default null.</summary>
    public int? ExpectedFeatureCount { get; set; }

    /// <summary>Feature count per key prefix (longest matching prefix wins, over <see cref="ExpectedFeatureCount"/>).
    /// Default none.</summary>
    public Dictionary<string, int> ExpectedFeatureCountByKeyPrefix { get; set; } = [];

    /// <summary>Batch containers the per-partition cache holds before the pulling agent backs off. Default 4096.</summary>
    public int CacheSize { get; set; } = 4096;

    /// <summary>How long startup waits for topic metadata (partition counts). Default 30 s.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The configured topics, or "events" when none are.</summary>
    public IReadOnlyList<string> EffectiveTopics => Topics.Count > 0 ? Topics : ["events"];

    /// <summary>Expected feature count for a key, or null when unchecked.</summary>
    internal int? ExpectedFeaturesFor(string key)
    {
        int? best = null;
        int bestLength = -1;
        foreach (var (prefix, count) in ExpectedFeatureCountByKeyPrefix)
            if (prefix.Length > bestLength && key.StartsWith(prefix, StringComparison.Ordinal)) (best, bestLength) = (count, prefix.Length);
        return best ?? ExpectedFeatureCount;
    }
}
