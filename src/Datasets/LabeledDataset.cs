namespace StreamLabel.Datasets;

/// <summary>A labeled stream in arrival order: row i has Features[i] and class index Labels[i] into Classes.</summary>
public sealed record LabeledDataset(
    string Name,
    IReadOnlyList<string> FeatureNames,
    IReadOnlyList<string> Classes,
    float[][] Features,
    int[] Labels)
{
    public int Count => Labels.Length;
    public int FeatureCount => FeatureNames.Count;
    public int ClassCount => Classes.Count;

    /// <summary>The first <paramref name="count"/> rows (all of them when count is larger).</summary>
    public LabeledDataset Take(int count) => count >= Count ? this
        : this with { Features = Features[..count], Labels = Labels[..count] };
}
