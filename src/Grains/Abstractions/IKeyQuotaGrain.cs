namespace StreamLabel.Grains;

/// <summary>The keys admitted to one Models:Patterns entry that has MaxKeys (grain key: the pattern text).</summary>
public interface IKeyQuotaGrain : IGrainWithStringKey
{
    /// <summary>True when the key was admitted before or fits under <paramref name="maxKeys"/> now (it is then admitted for good).</summary>
    Task<bool> TryAdmitAsync(string modelKey, int maxKeys);

    Task<int> CountAsync();
}
