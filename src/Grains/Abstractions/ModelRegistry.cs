using System.Text;

namespace StreamLabel.Grains;

/// <summary>
/// The model registry as one list over its shards: a new key rewrites only its shard's state (one grain holding every
/// key rewrote all of them), and a page of keys is merged from the shards' pages.
/// </summary>
public static class ModelRegistry
{
    /// <summary>Shards of the registry. Part of the stored layout: changing it moves keys to other shards.</summary>
    public const int Shards = 64;

    /// <summary>The shard of a key: FNV-1a over its UTF-8 bytes (stable across processes, unlike string.GetHashCode).</summary>
    public static int ShardOf(string modelKey)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(modelKey)) hash = (hash ^ b) * 16777619;
        return (int)(hash % Shards);
    }

    public static Task RegisterAsync(IGrainFactory grains, string modelKey, string? teacherGroup) =>
        grains.GetGrain<IModelRegistryGrain>(ShardOf(modelKey)).RegisterAsync(modelKey, teacherGroup);

    /// <summary>At most <paramref name="limit"/> keys after <paramref name="after"/> (from the first when null), in ordinal order.</summary>
    public static async Task<IReadOnlyList<string>> ListModelsAsync(IGrainFactory grains, string? after = null, int limit = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var pages = await Task.WhenAll(Enumerable.Range(0, Shards).Select(s => grains.GetGrain<IModelRegistryGrain>(s).ListModelsPageAsync(after, limit)));
        // A key registered before sharding can be in shard 0 and in its own shard.
        return pages.SelectMany(p => p).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(limit).ToList();
    }

    public static Task RecordEventsSeenAsync(IGrainFactory grains, string modelKey, long eventsSeen) =>
        grains.GetGrain<IModelRegistryGrain>(ShardOf(modelKey)).RecordEventsSeenAsync(modelKey, eventsSeen);

    /// <summary>Records many keys' events seen: one call per shard that holds any of them.</summary>
    public static Task RecordAllEventsSeenAsync(IGrainFactory grains, IEnumerable<KeyValuePair<string, long>> eventsSeenByKey) =>
        Task.WhenAll(eventsSeenByKey.GroupBy(e => ShardOf(e.Key)).Select(shard =>
            grains.GetGrain<IModelRegistryGrain>(shard.Key).RecordAllEventsSeenAsync(shard.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))));

    /// <summary>Keys (an upper bound while a pre-sharding key is in two shards) and recorded events seen, over every shard.</summary>
    public static async Task<RegistryShardTotals> TotalsAsync(IGrainFactory grains)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, Shards).Select(s => grains.GetGrain<IModelRegistryGrain>(s).GetTotalsAsync()));
        return new RegistryShardTotals(shards.Sum(s => s.Models), shards.Sum(s => s.EventsSeen));
    }

    public static async Task<bool> ContainsAsync(IGrainFactory grains, string modelKey) =>
        await grains.GetGrain<IModelRegistryGrain>(ShardOf(modelKey)).ContainsAsync(modelKey)
        || await grains.GetGrain<IModelRegistryGrain>(0).ContainsAsync(modelKey);

    public static async Task<IReadOnlyList<string>> ListTeacherGroupsAsync(IGrainFactory grains)
    {
        var groups = await Task.WhenAll(Enumerable.Range(0, Shards).Select(s => grains.GetGrain<IModelRegistryGrain>(s).ListTeacherGroupsAsync()));
        return groups.SelectMany(g => g).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}
