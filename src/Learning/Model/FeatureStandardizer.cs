namespace StreamLabel.Learning.Model;

/// <summary>
/// Online feature standardization: running mean and variance per feature (Chan et al.'s batch update of Welford's
/// algorithm, in double), part of the model state. Standardized values are clipped to ±<see cref="Clip"/> so that a
/// single outlier (e.g. NOAA's 5503.8 pressure reading) cannot blow up a step.
/// </summary>
public sealed class FeatureStandardizer(int featureCount)
{
    public const float Clip = 8f;
    private const double MinStd = 1e-6;

    private readonly double[] _mean = new double[featureCount];
    private readonly double[] _m2 = new double[featureCount];

    public int FeatureCount { get; } = featureCount;

    /// <summary>Rows folded into the statistics.</summary>
    public long Count { get; private set; }

    public ReadOnlySpan<double> Mean => _mean;

    public double Variance(int feature) => Count > 1 ? _m2[feature] / Count : 0;

    /// <summary>Folds a row-major batch into the running statistics.</summary>
    public void Update(ReadOnlySpan<float> features, int rows)
    {
        int f = FeatureCount;
        for (int r = 0; r < rows; r++)
        {
            Count++;
            var row = features.Slice(r * f, f);
            for (int j = 0; j < f; j++)
            {
                double x = row[j], d = x - _mean[j];
                _mean[j] += d / Count;
                _m2[j] += d * (x - _mean[j]);
            }
        }
    }

    /// <summary>Writes (x - mean)/std, clipped, into <paramref name="destination"/> (same layout).</summary>
    public void Transform(ReadOnlySpan<float> features, int rows, Span<float> destination)
    {
        int f = FeatureCount;
        Span<double> inv = f <= 256 ? stackalloc double[f] : new double[f];
        for (int j = 0; j < f; j++) inv[j] = 1.0 / Math.Max(Math.Sqrt(Variance(j)), MinStd);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < f; j++)
            {
                int i = r * f + j;
                destination[i] = Math.Clamp((float)((features[i] - _mean[j]) * inv[j]), -Clip, Clip);
            }
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(Count);
        for (int j = 0; j < FeatureCount; j++) { w.Write(_mean[j]); w.Write(_m2[j]); }
    }

    internal void Read(BinaryReader r)
    {
        Count = r.ReadInt64();
        for (int j = 0; j < FeatureCount; j++) { _mean[j] = r.ReadDouble(); _m2[j] = r.ReadDouble(); }
    }
}
