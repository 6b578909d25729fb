namespace StreamLabel.Grains;

/// <summary>
/// Cluster-wide facts an Orleans client cannot read itself (key 0): silo metadata (ISiloMetadataCache is silo-side),
/// Kafka consumer lag per partition and dead-letter counts. Used by `streamlabel status` and the dashboard.
/// </summary>
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    Task<ClusterInfo> GetClusterInfoAsync();
}

/// <summary>A snapshot of the cluster's silos and stream intake.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.cluster-info.v1")]
public sealed record ClusterInfo(
    [property: Id(0)] IReadOnlyList<SiloInfo> Silos,
    [property: Id(1)] IReadOnlyList<PartitionLag> Partitions,
    [property: Id(2)] long DeadLetters,
    [property: Id(3)] DateTimeOffset At);

/// <summary>One silo and its metadata (Orleans:Metadata, e.g. accelerator=gpu).</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.silo-info.v1")]
public sealed record SiloInfo(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyDictionary<string, string> Metadata);

/// <summary>Consumer position of one topic partition: Lag = HighWatermark - CommittedOffset (events not yet applied).</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.partition-lag.v1")]
public sealed record PartitionLag(
    [property: Id(0)] string Topic,
    [property: Id(1)] int Partition,
    [property: Id(2)] long CommittedOffset,
    [property: Id(3)] long HighWatermark,
    [property: Id(4)] long DeadLetters,
    [property: Id(5)] string? Silo)
{
    public long Lag => Math.Max(0, HighWatermark - CommittedOffset);
}
