using StreamLabel.Streaming.Kafka.Quarantine;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>
/// A partition reader's quarantined keys: the reader dead-letters their events instead of delivering them. It reports
/// them to the provider's <see cref="IKeyQuarantineGrain"/> (once at start, to adopt what an earlier reader of the
/// partition quarantined; then at each durability poll while it holds any) and learns releases from the answer.
/// Used from the reader's turns only.
/// </summary>
internal sealed class KeyQuarantine(IGrainFactory grains, string providerName, string partition)
{
    private readonly Dictionary<string, QuarantinedKey> _keys = new(StringComparer.Ordinal);
    private Task<QuarantinedKey[]>? _report;
    private HashSet<string> _reported = [];
    private bool _adopted;

    public bool Contains(string key) => _keys.ContainsKey(key);

    public void Add(string key, int failedDeliveries, DateTimeOffset now) =>
        _keys[key] = new QuarantinedKey(key, partition, now, failedDeliveries, 0, -1);

    /// <summary>Counts one more of the key's events dead-lettered (shown to operators).</summary>
    public void DeadLettered(string key)
    {
        if (_keys.TryGetValue(key, out var entry)) _keys[key] = entry with { DeadLettered = entry.DeadLettered + 1 };
    }

    /// <summary>Starts a report unless one is in flight or there is nothing to report.</summary>
    public void ReportIfDue()
    {
        if (_report is not null || (_adopted && _keys.Count == 0)) return;
        _reported = [.. _keys.Keys];
        _report = grains.GetGrain<IKeyQuarantineGrain>(providerName).SyncAsync(partition, [.. _keys.Values]);
    }

    /// <summary>Applies a finished report: drops the released keys, adds the adopted ones. Null when none finished;
    /// a failed report is retried at the next poll (the error is returned for the log).</summary>
    public (List<string> Released, List<string> Adopted, string? Error)? Harvest()
    {
        if (_report is not { IsCompleted: true } report) return null;
        _report = null;
        if (!report.IsCompletedSuccessfully) return ([], [], report.Exception?.GetBaseException().Message ?? "cancelled");
        _adopted = true;
        var answer = report.Result.ToDictionary(e => e.Key, StringComparer.Ordinal);
        var released = new List<string>();
        var adopted = new List<string>();
        // Only keys that were in the report can have been released: one quarantined since is not in the answer yet.
        foreach (var key in _reported)
            if (!answer.ContainsKey(key) && _keys.Remove(key)) released.Add(key);
        foreach (var (key, entry) in answer)
        {
            if (_keys.TryGetValue(key, out var mine)) _keys[key] = mine with { Generation = entry.Generation };
            else
            {
                _keys[key] = entry;
                adopted.Add(key);
            }
        }
        return (released, adopted, null);
    }
}
