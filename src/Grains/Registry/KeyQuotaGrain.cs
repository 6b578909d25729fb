namespace StreamLabel.Grains.Registry;

[GenerateSerializer, Alias("streamlabel.key-quota-state.v1")]
public sealed class KeyQuotaState
{
    [Id(0)] public SortedSet<string> Admitted { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Admits keys to a pattern up to its cap, persisted so the cap holds across restarts. One grain per capped
/// pattern: it holds at most MaxKeys keys, so it stays as small as the cap.</summary>
public sealed class KeyQuotaGrain([PersistentState("quota", "models")] IPersistentState<KeyQuotaState> state) : Grain, IKeyQuotaGrain
{
    public async Task<bool> TryAdmitAsync(string modelKey, int maxKeys)
    {
        if (state.State.Admitted.Contains(modelKey)) return true;
        if (state.State.Admitted.Count >= maxKeys) return false;
        state.State.Admitted.Add(modelKey);
        await state.WriteStateAsync();
        return true;
    }

    public Task<int> CountAsync() => Task.FromResult(state.State.Admitted.Count);
}
