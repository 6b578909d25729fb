namespace StreamLabel.Grains;

/// <summary>
/// One shard of the cluster-wide list of model keys and teacher groups, so operators can enumerate models. A key lives
/// in shard <see cref="ModelRegistry.ShardOf"/>; shard 0 also keeps every key registered before the registry was
/// sharded. Read it through <see cref="ModelRegistry"/>, which merges the shards.
/// </summary>
public interface IModelRegistryGrain : IGrainWithIntegerKey
{
    Task RegisterAsync(string modelKey, string? teacherGroup);

    /// <summary>This shard's keys in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListModelsAsync();

    /// <summary>At most <paramref name="limit"/> of this shard's keys that sort after <paramref name="after"/> (all when null), in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListModelsPageAsync(string? after, int limit);

    /// <summary>How many keys this shard holds.</summary>
    Task<int> CountModelsAsync();

    /// <summary>A student deactivating (or starting a new model) records the events its current model has seen, so
    /// cluster totals need not call it.</summary>
    Task RecordEventsSeenAsync(string modelKey, long eventsSeen);

    /// <summary>The same for many of this shard's keys in one write: a silo shutting down records its active students'.</summary>
    Task RecordAllEventsSeenAsync(IReadOnlyDictionary<string, long> eventsSeenByKey);

    /// <summary>This shard's key count and the events its keys had seen at their last records.</summary>
    Task<RegistryShardTotals> GetTotalsAsync();

    Task<bool> ContainsAsync(string modelKey);

    Task<IReadOnlyList<string>> ListTeacherGroupsAsync();
}

/// <summary>One registry shard's key count and recorded events seen.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.registry-shard-totals.v1")]
public sealed record RegistryShardTotals([property: Id(0)] int Models, [property: Id(1)] long EventsSeen);
