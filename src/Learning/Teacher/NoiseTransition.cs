namespace StreamLabel.Learning.Teacher;

/// <summary>
/// The label-noise transition matrix T (T[i, j] = p(observed j | true i)) estimated from anchor points, and its use
/// to turn a model of the noisy labels into clean-class probabilities (Patrini et al. 2017). A model trained on noisy
/// labels estimates p̃ = p·T; inverting T recovers p, which is what a student should be taught: at 40 % noise on two
/// classes p̃ stays within 0.4-0.6 and would teach nothing but smoothing.
/// </summary>
public sealed class NoiseTransition
{
    // Anchor = the row at this quantile of p̃(i|x) for class i: the top row itself is an overfit outlier (Patrini's choice).
    private const double AnchorQuantile = 0.97;
    // An estimated diagonal this close to chance cannot be inverted stably: the estimate is then not used.
    private const double MinimumMargin = 0.05;

    private double[,] _inverse;

    public NoiseTransition(int classCount)
    {
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "must be >= 2");
        ClassCount = classCount;
        Matrix = Identity(classCount);
        _inverse = Identity(classCount);
    }

    public int ClassCount { get; }

    /// <summary>The current estimate (identity until the first usable one).</summary>
    public double[,] Matrix { get; private set; }

    /// <summary>Estimates in use so far.</summary>
    public long Estimates { get; private set; }

    /// <summary>Mean off-diagonal mass of the estimate: the noise rate it implies.</summary>
    public double NoiseRate
    {
        get
        {
            double off = 0;
            for (int i = 0; i < ClassCount; i++) off += 1 - Matrix[i, i];
            return off / ClassCount;
        }
    }

    /// <summary>
    /// Re-estimates T from noisy-label probabilities of <paramref name="rows"/> rows (rows × K): row i of T is the
    /// prediction at the anchor of class i. Keeps the previous estimate when the new one is not invertible.
    /// Returns whether the estimate was used.
    /// </summary>
    public bool Estimate(ReadOnlySpan<float> noisyProbabilities, int rows)
    {
        int k = ClassCount;
        if (noisyProbabilities.Length != rows * k) throw new ArgumentException($"noisyProbabilities has {noisyProbabilities.Length} values, expected rows×K = {rows}×{k}", nameof(noisyProbabilities));
        if (rows < 20 * k) return false;
        var t = new double[k, k];
        var column = new float[rows];
        var order = new int[rows];
        for (int i = 0; i < k; i++)
        {
            for (int r = 0; r < rows; r++) { column[r] = noisyProbabilities[r * k + i]; order[r] = r; }
            Array.Sort(column, order);
            int anchor = order[(int)Math.Floor(AnchorQuantile * (rows - 1))];
            double sum = 0;
            for (int j = 0; j < k; j++) sum += noisyProbabilities[anchor * k + j];
            for (int j = 0; j < k; j++) t[i, j] = noisyProbabilities[anchor * k + j] / sum;
            // Noise never makes a class less likely to keep its label than to take another one.
            for (int j = 0; j < k; j++) if (j != i && t[i, j] > t[i, i] - MinimumMargin) return false;
        }
        var inverse = Invert(t);
        if (inverse is null) return false;
        Matrix = t;
        _inverse = inverse;
        Estimates++;
        return true;
    }

    /// <summary>p = p̃·T⁻¹ per row, clipped at 0 and renormalized (p̃ itself where nothing positive is left).</summary>
    public float[] Clean(ReadOnlySpan<float> noisyProbabilities, int rows)
    {
        int k = ClassCount;
        var clean = new float[rows * k];
        var row = new double[k];
        for (int r = 0; r < rows; r++)
        {
            double total = 0;
            for (int j = 0; j < k; j++)
            {
                double v = 0;
                for (int i = 0; i < k; i++) v += noisyProbabilities[r * k + i] * _inverse[i, j];
                row[j] = Math.Max(0, v);
                total += row[j];
            }
            for (int j = 0; j < k; j++) clean[r * k + j] = total > 0 ? (float)(row[j] / total) : noisyProbabilities[r * k + j];
        }
        return clean;
    }

    /// <summary>The estimate, its inverse and the count of estimates in use, for the teacher's snapshot.</summary>
    internal void Write(BinaryWriter w)
    {
        foreach (double v in Matrix) w.Write(v);
        foreach (double v in _inverse) w.Write(v);
        w.Write(Estimates);
    }

    internal void Read(BinaryReader r)
    {
        var matrix = new double[ClassCount, ClassCount];
        var inverse = new double[ClassCount, ClassCount];
        for (int i = 0; i < ClassCount; i++) for (int j = 0; j < ClassCount; j++) matrix[i, j] = r.ReadDouble();
        for (int i = 0; i < ClassCount; i++) for (int j = 0; j < ClassCount; j++) inverse[i, j] = r.ReadDouble();
        Matrix = matrix;
        _inverse = inverse;
        Estimates = r.ReadInt64();
    }

    private static double[,] Identity(int k)
    {
        var m = new double[k, k];
        for (int i = 0; i < k; i++) m[i, i] = 1;
        return m;
    }

    // Gauss-Jordan with partial pivoting; null when (numerically) singular.
    private static double[,]? Invert(double[,] matrix)
    {
        int k = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var inv = Identity(k);
        for (int c = 0; c < k; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < k; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            if (Math.Abs(a[pivot, c]) < 1e-9) return null;
            for (int j = 0; j < k; j++) { (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]); (inv[c, j], inv[pivot, j]) = (inv[pivot, j], inv[c, j]); }
            double p = a[c, c];
            for (int j = 0; j < k; j++) { a[c, j] /= p; inv[c, j] /= p; }
            for (int r = 0; r < k; r++)
            {
                if (r == c || a[r, c] == 0) continue;
                double f = a[r, c];
                for (int j = 0; j < k; j++) { a[r, j] -= f * a[c, j]; inv[r, j] -= f * inv[c, j]; }
            }
        }
        return inv;
    }
}
