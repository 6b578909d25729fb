namespace StreamLabel.Streaming.Kafka.ExactlyOnce;

/// <summary>What a grain does with a delivered event, as decided by <see cref="OffsetLedger.Check"/>.</summary>
public enum EventVerdict
{
    /// <summary>New and in order: apply it, then <see cref="OffsetLedger.MarkApplied"/>.</summary>
    Apply,
    /// <summary>Already applied (a redelivery): skip it.</summary>
    Duplicate,
    /// <summary>Earlier events of this key were lost from memory: skip it; the reader delivers them again, in order.</summary>
    Gap,
}
