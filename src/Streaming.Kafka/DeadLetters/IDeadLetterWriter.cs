using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.DeadLetters;

/// <summary>
/// Writes rejected records to the dead-letter topic: original bytes, headers with source topic/partition/offset and
/// the reason, and counts them per reason (also as metric <c>streamlabel.kafka.dead_letters</c>, tag <c>reason</c>).
/// Registered in the silo by <c>AddKafkaStreams</c>; grains use it for semantic rejections (e.g. unknown label).
/// </summary>
public interface IDeadLetterWriter
{
    /// <summary>Completes when the record is acknowledged by the broker; throws if it could not be written.</summary>
    Task WriteAsync(DeadLetter letter, CancellationToken cancellationToken = default);

    /// <summary>Dead-letters a delivered event the grain rejects (its original key and value bytes).</summary>
    Task WriteAsync(StreamEvent rejected, string reason, string? detail = null, CancellationToken cancellationToken = default);

    /// <summary>Records written by this silo since start, per reason.</summary>
    IReadOnlyDictionary<string, long> CountsByReason { get; }
}
