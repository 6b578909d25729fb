using StreamLabel.Grains;

namespace StreamLabel.Client.Tests.TestGrains;

/// <summary>Test-only IModelRegistryGrain: the keys and teacher groups students registered.</summary>
public sealed class TestModelRegistryGrain : Grain, IModelRegistryGrain
{
    private readonly SortedSet<string> _models = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _groups = new(StringComparer.Ordinal);

    public Task RegisterAsync(string modelKey, string? teacherGroup)
    {
        _models.Add(modelKey);
        if (teacherGroup is not null) _groups.Add(teacherGroup);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListModelsAsync() => Task.FromResult<IReadOnlyList<string>>(_models.ToList());
    public Task<IReadOnlyList<string>> ListTeacherGroupsAsync() => Task.FromResult<IReadOnlyList<string>>(_groups.ToList());
}
