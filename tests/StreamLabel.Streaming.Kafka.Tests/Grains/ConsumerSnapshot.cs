namespace StreamLabel.Streaming.Kafka.Tests.Grains;

/// <summary>The durable state of a test consumer plus counters of its current activation.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.tests.ConsumerSnapshot")]
public sealed record ConsumerSnapshot(
    [property: Id(0)] int Applied,
    [property: Id(1)] long LastSequence,
    [property: Id(2)] int OutOfOrder,
    [property: Id(3)] int DurableApplied,
    [property: Id(4)] int Duplicates,
    [property: Id(5)] int Gaps,
    [property: Id(6)] int LargestDelivery);
