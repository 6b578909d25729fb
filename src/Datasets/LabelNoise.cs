namespace StreamLabel.Datasets;

public enum NoiseKind
{
    /// <summary>A corrupted label becomes one of the other K-1 classes, uniformly.</summary>
    Symmetric,
    /// <summary>A corrupted label y becomes (y + 1) mod K: structured, class-dependent noise.</summary>
    PairFlip,
}

/// <summary>Injects training-label noise; the clean labels are kept apart so accuracy is measured against them.</summary>
public static class LabelNoise
{
    public static NoiseKind ParseKind(string text) => text.Trim().ToLowerInvariant() switch
    {
        "symmetric" => NoiseKind.Symmetric,
        "pairflip" or "pair-flip" or "pair" => NoiseKind.PairFlip,
        _ => throw new ArgumentException($"noise kind '{text}' is not one of: symmetric, pairflip", nameof(text)),
    };

    /// <summary>Each label is corrupted with probability <paramref name="rate"/>; the same seed gives the same labels.</summary>
    public static int[] Apply(IReadOnlyList<int> clean, int classCount, double rate, NoiseKind kind, int seed)
    {
        if (rate < 0 || rate > 1) throw new ArgumentOutOfRangeException(nameof(rate), rate, "noise rate must be in [0, 1]");
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "needs at least two classes");
        var rng = new Random(seed);
        var noisy = new int[clean.Count];
        for (int i = 0; i < clean.Count; i++)
        {
            int y = clean[i];
            bool corrupt = rng.NextDouble() < rate;
            int other = rng.Next(classCount - 1); // drawn always, so the sequence does not depend on the rate
            noisy[i] = !corrupt ? y : kind == NoiseKind.PairFlip ? (y + 1) % classCount : (other >= y ? other + 1 : other);
        }
        return noisy;
    }
}
