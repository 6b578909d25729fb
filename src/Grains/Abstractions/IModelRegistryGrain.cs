namespace StreamLabel.Grains;

/// <summary>The cluster-wide list of model keys (key 0), so operators can enumerate models.</summary>
public interface IModelRegistryGrain : IGrainWithIntegerKey
{
    Task RegisterAsync(string modelKey, string? teacherGroup);
    Task<IReadOnlyList<string>> ListModelsAsync();
    Task<IReadOnlyList<string>> ListTeacherGroupsAsync();
}
