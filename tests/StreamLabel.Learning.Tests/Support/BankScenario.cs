using StreamLabel.Learning.Bank;

namespace StreamLabel.Learning.Tests.Support;

/// <summary>
/// A multi-student stream for bank tests: per student its own learnable stream, uneven batch sizes, 25% noisy labels,
/// some unlabeled rows, a class rotation (a real concept drift) halfway, students that skip rounds, distillation
/// batches for some and now and then a predict-only batch.
/// </summary>
internal sealed class BankScenario
{
    public const int Features = 6, Classes = 3;

    public static LearnerSpec Spec(int seed, string optimizer = "adam") => new()
    {
        FeatureCount = Features, ClassCount = Classes, HiddenLayers = [16], Optimizer = SpecNames.Parse<OptimizerKind>(optimizer, nameof(optimizer)),
        LearningRate = optimizer == "sgd" ? 0.1 : 0.01, Smoothing = 0.1,
        SelfCorrection = new SelfCorrectionOptions { MaturityEvents = 150 }, DriftDetector = DriftDetectorKind.Adwin, Seed = seed, Device = "cpu",
    };

    private readonly SyntheticStream[] _streams;
    private readonly Random _rng = new(77);
    private readonly int _driftAt;

    public BankScenario(int students, int driftAt)
    {
        _streams = Enumerable.Range(0, students).Select(s => new SyntheticStream(Features, Classes, seed: 100 + s)).ToArray();
        _driftAt = driftAt;
    }

    /// <summary>The round's inputs: null for a student that skips it.</summary>
    public (float[] X, int Rows, int[] Y, DistillationBatch? D)?[] Round(int round)
    {
        var batches = new (float[], int, int[], DistillationBatch?)?[_streams.Length];
        for (int s = 0; s < _streams.Length; s++)
        {
            if (s % 2 == 1 && (round + s) % 4 == 0) continue; // odd students skip every 4th round
            int rows = 5 + (s * 7 + round * 11) % 28;
            var (x, y) = _streams[s].Next(rows);
            bool predictOnly = s == 4 && round % 9 == 5;
            bool teacherOnly = s == 0 && round % 13 == 7; // no labels, but a distillation batch: KD alone is learned
            for (int r = 0; r < rows; r++)
            {
                if (round >= _driftAt) y[r] = (y[r] + 1) % Classes;
                if (_rng.NextDouble() < 0.25) y[r] = _rng.Next(Classes);
                if (predictOnly || teacherOnly || _rng.NextDouble() < 0.05) y[r] = -1;
            }
            DistillationBatch? d = null;
            if (s % 3 == 0 && !predictOnly)
            {
                int q = 3 + round % 5;
                var (dx, dy) = _streams[s].Next(q);
                var t = new float[q * Classes];
                for (int r = 0; r < q; r++) for (int c = 0; c < Classes; c++) t[r * Classes + c] = c == dy[r] ? 0.8f : 0.1f;
                d = new DistillationBatch(dx, q, t);
            }
            batches[s] = (x, rows, y, d);
        }
        return batches;
    }
}
