namespace StreamLabel.Streaming.EventFormat;

/// <summary>Kafka record headers StreamLabel reads or writes.</summary>
public static class EventHeaders
{
    /// <summary>Set by replays with injected noise: the clean label, so accuracy can be measured against the truth.</summary>
    public const string CleanLabel = "streamlabel-clean-label";
    /// <summary>On dead-letter records: why the record was rejected.</summary>
    public const string DeadLetterReason = "streamlabel-dlq-reason";
    public const string DeadLetterTopic = "streamlabel-dlq-topic";
    public const string DeadLetterPartition = "streamlabel-dlq-partition";
    public const string DeadLetterOffset = "streamlabel-dlq-offset";
    /// <summary>On dead-letter records: a human-readable detail of the reason (optional).</summary>
    public const string DeadLetterDetail = "streamlabel-dlq-detail";
    /// <summary>On metadata-only dead letters (the original was too large to write): the original value's size in bytes.</summary>
    public const string DeadLetterOriginalBytes = "streamlabel-dlq-original-bytes";
    /// <summary>On metadata-only dead letters: the original key's size in bytes.</summary>
    public const string DeadLetterOriginalKeyBytes = "streamlabel-dlq-original-key-bytes";
}
