namespace StreamLabel.Datasets;

/// <summary>Injects an abrupt real drift: from a point on, the two most frequent classes trade labels.</summary>
public static class ConceptDrift
{
    /// <summary>Returns the labels after the swap, and the row index where it starts.</summary>
    public static (int[] Labels, int DriftIndex) SwapMostFrequent(IReadOnlyList<int> labels, int classCount, double fraction)
    {
        if (fraction < 0 || fraction > 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "drift point must be a fraction in [0, 1]");
        var (a, b) = TwoMostFrequent(labels, classCount);
        int start = (int)Math.Round(fraction * labels.Count);
        var result = labels.ToArray();
        for (int i = start; i < result.Length; i++)
            result[i] = result[i] == a ? b : result[i] == b ? a : result[i];
        return (result, start);
    }

    public static (int First, int Second) TwoMostFrequent(IReadOnlyList<int> labels, int classCount)
    {
        var counts = new int[classCount];
        foreach (var y in labels) counts[y]++;
        var order = Enumerable.Range(0, classCount).OrderByDescending(c => counts[c]).ThenBy(c => c).ToArray();
        return (order[0], order[1]);
    }
}
