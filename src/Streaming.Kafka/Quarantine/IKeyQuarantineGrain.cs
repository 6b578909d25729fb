namespace StreamLabel.Streaming.Kafka.Quarantine;

/// <summary>
/// The quarantined keys of one stream provider (grain key: the provider name), where operators list and release them.
/// The partition readers hold the quarantine they act on; this grain is where they report it and learn of releases,
/// so a release reaches whichever silo reads the partition, and a reader that takes a partition over adopts its
/// quarantined keys. It keeps no storage: the readers report their keys again, so a lost activation is rebuilt.
/// </summary>
public interface IKeyQuarantineGrain : IGrainWithStringKey
{
    /// <summary>A reader's report of its partition's quarantined keys. The answer is the partition's list now: keys
    /// released since they were reported are left out, keys reported by the partition's earlier readers are added.</summary>
    Task<QuarantinedKey[]> SyncAsync(string partition, QuarantinedKey[] held);

    /// <summary>Every quarantined key, on every partition.</summary>
    Task<QuarantinedKey[]> ListAsync();

    /// <summary>Releases the key on every partition (their readers deliver its new events again at their next report);
    /// false when it is not quarantined.</summary>
    Task<bool> ReleaseAsync(string key);
}
