namespace StreamLabel.Datasets;

/// <summary>
/// A replay scenario: the truth (clean labels after any injected drift) and the training labels
/// (the truth with injected noise). Accuracy is always measured against the truth.
/// </summary>
public sealed record NoisyStream(LabeledDataset Data, int[] Truth, int[] TrainingLabels, int? DriftIndex)
{
    public static NoisyStream Create(LabeledDataset data, double noiseRate = 0, NoiseKind noiseKind = NoiseKind.Symmetric,
        double? driftAt = null, int seed = 1)
    {
        int[] truth = data.Labels;
        int? driftIndex = null;
        if (driftAt is double fraction)
            (truth, driftIndex) = ConceptDrift.SwapMostFrequent(data.Labels, data.ClassCount, fraction);
        var training = noiseRate > 0 ? LabelNoise.Apply(truth, data.ClassCount, noiseRate, noiseKind, seed) : truth.ToArray();
        return new NoisyStream(data, truth, training, driftIndex);
    }

    /// <summary>The fraction of training labels that differ from the truth.</summary>
    public double ObservedNoiseRate => Truth.Length == 0 ? 0 : Truth.Where((y, i) => y != TrainingLabels[i]).Count() / (double)Truth.Length;
}
