namespace StreamLabel.Streaming.Kafka.ExactlyOnce;

/// <summary>A grain's answer to the partition reader.</summary>
/// <param name="Offsets">"topic:partition" → highest offset whose effect is in the grain's persisted state.</param>
/// <param name="Gaps">"topic:partition" keys where the grain rejected events because earlier ones of its key were lost
/// from its memory (e.g. its silo stopped before it persisted); the reader then delivers its undurable events again.</param>
[GenerateSerializer, Immutable, Alias("streamlabel.kafka.DurableOffsets")]
public sealed record DurableOffsets(
    [property: Id(0)] Dictionary<string, long> Offsets,
    [property: Id(1)] string[] Gaps);
