namespace StreamLabel.Grains;

/// <summary>
/// Cluster-wide facts an Orleans client cannot read itself (key 0): silo metadata (ISiloMetadataCache is silo-side),
/// Kafka consumer lag per partition, dead-letter counts and quarantined keys. Used by `streamlabel status`,
/// `streamlabel quarantine` and the dashboard.
/// </summary>
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    Task<ClusterInfo> GetClusterInfoAsync();

    /// <summary>Releases a quarantined key (every partition): its new events are delivered to its grain again. False
    /// when the key is not quarantined.</summary>
    Task<bool> ReleaseQuarantinedKeyAsync(string key);
}

/// <summary>A snapshot of the cluster's silos and stream intake.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.cluster-info.v1")]
public sealed record ClusterInfo(
    [property: Id(0)] IReadOnlyList<SiloInfo> Silos,
    [property: Id(1)] IReadOnlyList<PartitionLag> Partitions,
    [property: Id(2)] long DeadLetters,
    [property: Id(3)] DateTimeOffset At)
{
    /// <summary>Keys whose events go to the dead-letter topic (grain-unavailable) instead of their failing grain.</summary>
    [Id(4)] public IReadOnlyList<QuarantinedKeyInfo> Quarantined { get; init; } = [];

    /// <summary>Models and their events (<see cref="StudentTotals"/>), gathered without calling any student; null from
    /// silos older than it.</summary>
    [Id(5)] public StudentTotals? Students { get; init; }
}

/// <summary>A quarantined key on one partition: since when, after how many failed deliveries, and how many of its
/// events were dead-lettered since (as of its reader's last report).</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.quarantined-key.v1")]
public sealed record QuarantinedKeyInfo(
    [property: Id(0)] string Key,
    [property: Id(1)] string Partition,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] int FailedDeliveries,
    [property: Id(4)] long DeadLettered);

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
