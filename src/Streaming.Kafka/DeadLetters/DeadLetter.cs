namespace StreamLabel.Streaming.Kafka.DeadLetters;

/// <summary>A rejected record: where it came from, its original bytes, and why.</summary>
/// <param name="Topic">Source topic.</param>
/// <param name="Partition">Source partition.</param>
/// <param name="Offset">Source offset.</param>
/// <param name="Key">Original record key bytes (may be null or empty: that can be the reason).</param>
/// <param name="Value">Original record value bytes.</param>
/// <param name="Reason">One of <see cref="DeadLetterReasons"/> (or a grain's own short kebab-case reason).</param>
/// <param name="Detail">Optional human-readable detail (e.g. "expected 8 features, got 7").</param>
public sealed record DeadLetter(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, string Reason, string? Detail = null)
{
    /// <summary>Set on a metadata-only letter: the size of the original value, which the letter does not carry.</summary>
    public int? OmittedValueBytes { get; init; }

    /// <summary>Set on a metadata-only letter: the size of the original key, which the letter does not carry.</summary>
    public int? OmittedKeyBytes { get; init; }

    /// <summary>True when the original key and value were too large to write and were left out.</summary>
    public bool IsMetadataOnly => OmittedValueBytes is not null;

    /// <summary>The letter without the original key and value (reason, source and sizes only), for an original that the
    /// producer or the broker refuses as too large: a letter that can never be written would hold the commit forever.</summary>
    public DeadLetter WithoutOriginal() => IsMetadataOnly ? this : this with
    {
        Key = null,
        Value = null,
        OmittedValueBytes = Value?.Length ?? 0,
        OmittedKeyBytes = Key?.Length ?? 0,
    };
}
