using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Streaming.Kafka.Events;

/// <summary>
/// One valid Kafka record as the consuming grain sees it. Grains receive these in batches of one key
/// (the record key = the grain key) through <c>IAsyncBatchObserver&lt;StreamEvent&gt;</c>.
/// </summary>
/// <param name="Topic">Kafka topic of the record.</param>
/// <param name="Partition">Kafka partition of the record.</param>
/// <param name="Offset">Kafka offset of the record.</param>
/// <param name="PreviousKeyOffset">
/// Offset of the previous event of this key in this partition that the reader delivered and that was not yet durable
/// when this one was read; -1 when every earlier event of the key was already durable. <see cref="OffsetLedger"/> uses it
/// to detect events lost from a grain's memory (a gap) and ask for them again.
/// </param>
/// <param name="Key">Record key (the model key), 1-256 UTF-8 bytes.</param>
/// <param name="Id">The event's optional "id".</param>
/// <param name="Features">The feature vector (finite values only).</param>
/// <param name="Label">The label; an integer label becomes its decimal string; null means "predict only".</param>
/// <param name="CleanLabel">The clean label from header <see cref="EventHeaders.CleanLabel"/> (replays with injected noise), else null.</param>
/// <param name="TimestampMs">The event's optional "ts" in Unix milliseconds.</param>
/// <param name="Value">The original record value, for dead-lettering a record the grain rejects (e.g. an unknown label).</param>
[GenerateSerializer, Immutable, Alias("streamlabel.kafka.StreamEvent")]
public sealed record StreamEvent(
    [property: Id(0)] string Topic,
    [property: Id(1)] int Partition,
    [property: Id(2)] long Offset,
    [property: Id(3)] long PreviousKeyOffset,
    [property: Id(4)] string Key,
    [property: Id(5)] string? Id,
    [property: Id(6)] float[] Features,
    [property: Id(7)] string? Label,
    [property: Id(8)] string? CleanLabel,
    [property: Id(9)] long? TimestampMs,
    [property: Id(10)] byte[] Value)
{
    /// <summary>"topic:partition", the key of <see cref="OffsetLedger"/> and <see cref="DurableOffsets"/>.</summary>
    public string PartitionKey => TopicPartitionKey.Of(Topic, Partition);
}
