using System.Collections.Concurrent;
using StreamLabel.Grains;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>Per-partition positions of the test pump (applied offset, high watermark, rejected records), shared with the silo.</summary>
public sealed class IntakeStats
{
    private readonly ConcurrentDictionary<(string Topic, int Partition), PartitionLag> _partitions = new();

    public void Update(string topic, int partition, Func<PartitionLag, PartitionLag> change, string silo) =>
        _partitions.AddOrUpdate((topic, partition), _ => change(new PartitionLag(topic, partition, 0, 0, 0, silo)), (_, old) => change(old));

    public IReadOnlyList<PartitionLag> Snapshot() => _partitions.Values.OrderBy(p => p.Topic).ThenBy(p => p.Partition).ToList();
}
