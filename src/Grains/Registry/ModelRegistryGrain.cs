namespace StreamLabel.Grains.Registry;

[GenerateSerializer, Alias("streamlabel.registry-state.v1")]
public sealed class ModelRegistryState
{
    [Id(0)] public SortedSet<string> Models { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public SortedSet<string> TeacherGroups { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The list of model keys and teacher groups, persisted so operators can enumerate models after restarts.</summary>
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

    public Task<IReadOnlyList<string>> ListTeacherGroupsAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.TeacherGroups.ToList());
}
