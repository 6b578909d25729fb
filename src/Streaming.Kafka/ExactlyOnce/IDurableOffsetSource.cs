using Orleans.Concurrency;

namespace StreamLabel.Streaming.Kafka.ExactlyOnce;

/// <summary>
/// Implemented by the grain that consumes a key's events (the same grain the implicit subscription activates).
/// The Kafka reader of a partition asks it, now and then, which offsets it has durably applied; it commits the
/// partition's offset only below events that every grain has made durable.
/// </summary>
public interface IDurableOffsetSource : IGrainWithStringKey
{
    /// <summary>The grain's durable offsets (from its last successful state write) and any gaps it saw.</summary>
    [AlwaysInterleave]
    Task<DurableOffsets> GetDurableOffsetsAsync();
}
