namespace StreamLabel.Bench.Throughput;

/// <summary>
/// The benchmark's events: F standard-normal features, label = side of a fixed hyperplane with 10% of labels flipped
/// (so self-correction has work to do), keys dealt round-robin. Deterministic for a given seed.
/// </summary>
public sealed class SyntheticStream
{
    public static readonly string[] Classes = ["DOWN", "UP"];

    public SyntheticStream(int events, int keys, int features, int seed = 7)
    {
        var random = new Random(seed);
        var w = new float[features];
        for (int j = 0; j < features; j++) w[j] = (float)Gaussian(random);
        Features = new float[events * features];
        Labels = new int[events];
        KeyOf = new int[events];
        for (int i = 0; i < events; i++)
        {
            double dot = 0;
            for (int j = 0; j < features; j++) dot += w[j] * (Features[i * features + j] = (float)Gaussian(random));
            int label = dot > 0 ? 1 : 0;
            Labels[i] = random.NextDouble() < 0.1 ? 1 - label : label;
            KeyOf[i] = i % keys;
        }
        KeyNames = Enumerable.Range(0, keys).Select(Key).ToArray();
        FeatureCount = features;
    }

    public int FeatureCount { get; }
    public float[] Features { get; }
    public int[] Labels { get; }
    public int[] KeyOf { get; }
    public string[] KeyNames { get; }
    public int Count => Labels.Length;

    public static string Key(int k) => $"bench-{k:D4}";

    public ReadOnlySpan<float> Row(int i) => Features.AsSpan(i * FeatureCount, FeatureCount);

    /// <summary>Copies the batch of one key's rows (indices <paramref name="rows"/> from <paramref name="start"/>) into
    /// features and labels; returns its row count.</summary>
    public int NextBatch(int[] rows, int start, int batch, float[] features, int[] labels)
    {
        int n = Math.Min(batch, rows.Length - start);
        for (int r = 0; r < n; r++)
        {
            Row(rows[start + r]).CopyTo(features.AsSpan(r * FeatureCount, FeatureCount));
            labels[r] = Labels[rows[start + r]];
        }
        return n;
    }

    /// <summary>Event indices of each key, in produce order: what one student sees.</summary>
    public int[][] ByKey() => Enumerable.Range(0, KeyNames.Length)
        .Select(k => Enumerable.Range(0, Count).Where(i => KeyOf[i] == k).ToArray()).ToArray();

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
