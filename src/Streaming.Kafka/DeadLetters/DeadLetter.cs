namespace StreamLabel.Streaming.Kafka.DeadLetters;

/// <summary>A rejected record: where it came from, its original bytes, and why.</summary>
/// <param name="Topic">Source topic.</param>
/// <param name="Partition">Source partition.</param>
/// <param name="Offset">Source offset.</param>
/// <param name="Key">Original record key bytes (may be null or empty: that can be the reason).</param>
/// <param name="Value">Original record value bytes.</param>
/// <param name="Reason">One of <see cref="DeadLetterReasons"/> (or a grain's own short kebab-case reason).</param>
/// <param name="Detail">Optional human-readable detail (e.g. "expected 8 features, got 7").</param>
public sealed record DeadLetter(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, string Reason, string? Detail = null);
