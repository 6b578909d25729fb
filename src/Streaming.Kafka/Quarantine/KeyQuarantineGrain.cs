namespace StreamLabel.Streaming.Kafka.Quarantine;

/// <summary>In memory only (see <see cref="IKeyQuarantineGrain"/>): the readers' reports rebuild it.</summary>
public sealed class KeyQuarantineGrain : Grain, IKeyQuarantineGrain
{
    private readonly Dictionary<(string Key, string Partition), QuarantinedKey> _entries = [];
    // Releases per key: an entry reported with an older generation was quarantined before the last release.
    private readonly Dictionary<string, long> _generations = new(StringComparer.Ordinal);

    public Task<QuarantinedKey[]> SyncAsync(string partition, QuarantinedKey[] held)
    {
        foreach (var entry in held)
        {
            long generation = _generations.GetValueOrDefault(entry.Key);
            if (entry.Generation >= 0 && entry.Generation < generation) continue; // released since
            // A newer generation than known: this activation is new and forgot releases; the reader's count stands.
            if (entry.Generation > generation) _generations[entry.Key] = generation = entry.Generation;
            _entries[(entry.Key, partition)] = entry with { Partition = partition, Generation = generation };
        }
        return Task.FromResult(_entries.Values.Where(e => e.Partition == partition).ToArray());
    }

    public Task<QuarantinedKey[]> ListAsync() =>
        Task.FromResult(_entries.Values.OrderBy(e => e.Key, StringComparer.Ordinal).ThenBy(e => e.Partition, StringComparer.Ordinal).ToArray());

    public Task<bool> ReleaseAsync(string key)
    {
        int removed = 0;
        foreach (var id in _entries.Keys.Where(id => id.Key == key).ToList()) removed += _entries.Remove(id) ? 1 : 0;
        _generations[key] = _generations.GetValueOrDefault(key) + 1;
        return Task.FromResult(removed > 0);
    }
}
