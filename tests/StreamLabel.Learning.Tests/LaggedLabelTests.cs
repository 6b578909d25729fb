using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests;

/// <summary>LearnerSpec.LaggedLabels: the previous observed label as input, carried across batches and snapshots.</summary>
public sealed class LaggedLabelTests
{
    private static LearnerSpec Spec(bool lagged) => new()
    {
        FeatureCount = 4, ClassCount = 3, HiddenLayers = [16], LearningRate = 0.01, Smoothing = 0,
        SelfCorrection = new SelfCorrectionOptions { Enabled = false }, DriftDetector = DriftDetectorKind.None, Seed = 3, Device = "cpu",
        LaggedLabels = lagged,
    };

    // Labels persist (y_t = y_{t-1} with probability 0.9, else a uniform class); features are pure noise.
    private static (float[] X, int[] Y) PersistentStream(int events, int seed)
    {
        var rng = new Random(seed);
        var x = new float[events * 4];
        var y = new int[events];
        for (int i = 0; i < events; i++)
        {
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (float)(rng.NextDouble() * 2 - 1);
            y[i] = i > 0 && rng.NextDouble() < 0.9 ? y[i - 1] : rng.Next(3);
        }
        return (x, y);
    }

    private static double PrequentialAccuracyOfSecondHalf(bool lagged)
    {
        const int events = 6400, batch = 32;
        var (x, y) = PersistentStream(events, 5);
        using var learner = new OnlineLearner(Spec(lagged));
        int hits = 0, scored = 0;
        for (int start = 0; start < events; start += batch)
        {
            var r = learner.TestThenTrain(x.AsSpan(start * 4, batch * 4), batch, y.AsSpan(start, batch));
            if (start < events / 2) continue;
            for (int i = 0; i < batch; i++) if (r.Predicted[i] == y[start + i]) hits++;
            scored += batch;
        }
        return (double)hits / scored;
    }

    [Fact]
    public void A_persistent_label_stream_with_noise_features_is_learned_only_with_lagged_labels()
    {
        double with = PrequentialAccuracyOfSecondHalf(lagged: true), without = PrequentialAccuracyOfSecondHalf(lagged: false);
        // Persistence 0.9 + 0.1/3 ≈ 0.93 is reachable from the previous label; the features carry nothing (chance 1/3).
        Assert.True(with > 0.85, $"with lagged labels {with:0.000}");
        Assert.True(without < 0.45, $"without lagged labels {without:0.000}");
    }

    [Fact]
    public void Row_i_sees_the_label_of_row_i_minus_1_and_unlabeled_rows_carry_the_last_label_forward()
    {
        using var learner = new OnlineLearner(Spec(true));
        Assert.Equal(7, learner.InputWidth);
        var x = new float[4 * 4];
        var inputs = learner.ModelInputs(x, 4, [2, -1, 0, 1]);
        float[] Lag(int row) => inputs.AsSpan(row * 7 + 4, 3).ToArray();
        Assert.Equal([0f, 0, 0], Lag(0)); // nothing observed yet
        Assert.Equal([0f, 0, 1], Lag(1));
        Assert.Equal([0f, 0, 1], Lag(2)); // row 1 is unlabeled: label 2 carried forward
        Assert.Equal([1f, 0, 0], Lag(3));
        Assert.Equal(-1, learner.LastObservedLabel); // ModelInputs changes nothing
        learner.TestThenTrain(x, 4, [2, -1, 0, 1]);
        Assert.Equal(1, learner.LastObservedLabel); // carried to the next batch
        learner.TestThenTrain(x.AsSpan(0, 8), 2, [-1, -1]);
        Assert.Equal(1, learner.LastObservedLabel);
    }

    [Fact]
    public void Restored_lagged_learner_continues_bit_exact_with_a_teacher()
    {
        var spec = Spec(true) with { SelfCorrection = new SelfCorrectionOptions { MaturityEvents = 200 }, DriftDetector = DriftDetectorKind.Adwin, Smoothing = 0.1 };
        using var teacher = new ReplayTeacher(ReplayTeacher.DefaultSpecFor(spec), bufferCapacity: 300);
        using var original = new OnlineLearner(spec);
        var (x, y) = PersistentStream(16 * 80, 9);
        for (int i = 0; i < y.Length; i += 7) y[i] = -1; // some unlabeled rows
        OnlineLearner? restored = null;
        ReplayTeacher? restoredTeacher = null;
        try
        {
            for (int b = 0; b < 80; b++)
            {
                var xs = x.AsSpan(b * 16 * 4, 16 * 4);
                var ys = y.AsSpan(b * 16, 16);
                if (b == 30)
                {
                    restored = OnlineLearner.Restore(original.Snapshot(), "cpu");
                    restoredTeacher = ReplayTeacher.Restore(teacher.Snapshot(), "cpu");
                    Assert.Equal(original.LastObservedLabel, restored.LastObservedLabel);
                    Assert.True(restored.Spec.LaggedLabels);
                }
                var p1 = original.TestThenTrain(xs, 16, ys, teacher.SampleDistillationBatch(8, spec.Temperature));
                teacher.Learn(xs, 16, ys);
                if (restored is null) continue;
                var p2 = restored.TestThenTrain(xs, 16, ys, restoredTeacher!.SampleDistillationBatch(8, spec.Temperature));
                restoredTeacher.Learn(xs, 16, ys);
                Assert.Equal(p1.Probabilities, p2.Probabilities); // exact float equality
                Assert.Equal(p1.Loss, p2.Loss);
            }
            Assert.Equal(original.Snapshot(), restored!.Snapshot());
            Assert.Equal(teacher.Snapshot(), restoredTeacher!.Snapshot());
            Assert.Equal(original.PredictProbabilities(x.AsSpan(0, 64), 16), restored.PredictProbabilities(x.AsSpan(0, 64), 16));
        }
        finally
        {
            restored?.Dispose();
            restoredTeacher?.Dispose();
        }
    }

    [Fact]
    public void Snapshots_without_the_option_keep_format_1_and_with_it_use_format_2()
    {
        using var plain = new OnlineLearner(Spec(false));
        using var lagged = new OnlineLearner(Spec(true));
        Assert.Equal(1, BitConverter.ToInt32(plain.Snapshot(), 4));
        Assert.Equal(2, BitConverter.ToInt32(lagged.Snapshot(), 4));
        using var again = OnlineLearner.Restore(plain.Snapshot(), "cpu");
        Assert.False(again.Spec.LaggedLabels);
        var future = lagged.Snapshot();
        BitConverter.GetBytes(3).CopyTo(future, 4);
        var e = Assert.Throws<InvalidDataException>(() => OnlineLearner.Restore(future));
        Assert.Contains("format 3", e.Message);
    }

    [Fact]
    public void Wrong_feature_width_is_reported_with_both_accepted_widths()
    {
        using var learner = new OnlineLearner(Spec(true));
        var e = Assert.Throws<ArgumentException>(() => learner.TestThenTrain(new float[2 * 5], 2, [0, 1]));
        Assert.Contains("2×4", e.Message);
        Assert.Contains("2×7", e.Message);
        // Model-input rows are accepted where rows are not a stream step, e.g. prediction and replay.
        Assert.Equal(6, learner.PredictProbabilities(new float[2 * 7], 2).Length);
        Assert.Throws<ArgumentException>(() => learner.TestThenTrain(new float[2 * 7], 2, [0, 1]));
    }
}
