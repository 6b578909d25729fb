namespace StreamLabel.Streaming.Kafka.Tests.Grains;

/// <summary>How the test consumers of one cluster persist (a silo service, set per test).</summary>
public sealed class ConsumerBehavior
{
    /// <summary>Persist after every delivered batch (true) or only on a timer (false: applied-but-unpersisted events
    /// exist, so a stopped silo loses some from memory and the gap/redelivery path is exercised).</summary>
    public bool PersistEveryBatch { get; init; } = true;
    public TimeSpan PersistInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>While true, the consumers persist nothing (their events stay undurable): backpressure must stop reading.</summary>
    public volatile bool Hold;
    /// <summary>While true, every delivery throws (the pulling agent retries, then gives up on the batch).</summary>
    public volatile bool FailDeliveries;
}
