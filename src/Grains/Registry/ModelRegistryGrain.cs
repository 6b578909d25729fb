namespace StreamLabel.Grains.Registry;

[GenerateSerializer, Alias("streamlabel.registry-state.v1")]
public sealed class ModelRegistryState
{
    [Id(0)] public SortedSet<string> Models { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public SortedSet<string> TeacherGroups { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Events each key's current model had seen at its student's last deactivation (for cluster totals).</summary>
    [Id(2)] public Dictionary<string, long> EventsSeen { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One shard of the model keys and teacher groups (see <see cref="ModelRegistry"/>), persisted so operators can
/// enumerate models after restarts.</summary>
public sealed class ModelRegistryGrain([PersistentState("registry", "models")] IPersistentState<ModelRegistryState> state)
    : Grain, IModelRegistryGrain
{
    public async Task RegisterAsync(string modelKey, string? teacherGroup)
    {
        bool changed = state.State.Models.Add(modelKey);
        if (teacherGroup is not null) changed |= state.State.TeacherGroups.Add(teacherGroup);
        if (changed) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListModelsAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Models.ToList());

    public Task<IReadOnlyList<string>> ListModelsPageAsync(string? after, int limit)
    {
        var models = state.State.Models;
        // A view from `after` finds the page's start without scanning the keys before it; GetViewBetween needs
        // after <= Max, and `after` itself (a key of an earlier page) is not in the page.
        IEnumerable<string> from = after is null || models.Count == 0 ? models
            : string.CompareOrdinal(after, models.Max) >= 0 ? [] : models.GetViewBetween(after, models.Max!).Where(k => !k.Equals(after, StringComparison.Ordinal));
        return Task.FromResult<IReadOnlyList<string>>(from.Take(limit).ToList());
    }

    public Task<int> CountModelsAsync() => Task.FromResult(state.State.Models.Count);

    public async Task RecordEventsSeenAsync(string modelKey, long eventsSeen)
    {
        if (Record(modelKey, eventsSeen)) await state.WriteStateAsync();
    }

    public async Task RecordAllEventsSeenAsync(IReadOnlyDictionary<string, long> eventsSeenByKey)
    {
        bool changed = false;
        foreach (var (modelKey, eventsSeen) in eventsSeenByKey) changed |= Record(modelKey, eventsSeen);
        if (changed) await state.WriteStateAsync();
    }

    /// <summary>Sets a key's count; false when it was already that (nothing to write).</summary>
    private bool Record(string modelKey, long eventsSeen)
    {
        if (state.State.EventsSeen.TryGetValue(modelKey, out var known) && known == eventsSeen) return false;
        state.State.EventsSeen[modelKey] = eventsSeen;
        return true;
    }

    public Task<RegistryShardTotals> GetTotalsAsync() =>
        Task.FromResult(new RegistryShardTotals(state.State.Models.Count, state.State.EventsSeen.Values.Sum()));

    public Task<bool> ContainsAsync(string modelKey) => Task.FromResult(state.State.Models.Contains(modelKey));

    public Task<IReadOnlyList<string>> ListTeacherGroupsAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.TeacherGroups.ToList());
}
