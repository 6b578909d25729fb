using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests;

/// <summary>Snapshots hold everything: after a restore the same stream gives bit-identical predictions and state.</summary>
public sealed class SnapshotTests
{
    private static LearnerSpec Spec => new()
    {
        FeatureCount = 5, ClassCount = 3, HiddenLayers = [12, 8], LearningRate = 0.01, Smoothing = 0.1,
        SelfCorrection = new SelfCorrectionOptions { MaturityEvents = 200 }, DriftDetector = DriftDetectorKind.Adwin, Seed = 9, Device = "cpu",
    };

    [Theory]
    [InlineData("adam", "adwin")]
    [InlineData("sgd", "page-hinkley")]
    public void Restored_learner_continues_bit_exact(string optimizer, string detector)
    {
        var spec = Spec with { Optimizer = SpecNames.Parse<OptimizerKind>(optimizer, nameof(optimizer)), DriftDetector = SpecNames.Parse<DriftDetectorKind>(detector, nameof(detector)), LearningRate = optimizer == "sgd" ? 0.2 : 0.01 };
        using var teacher = new ReplayTeacher(ReplayTeacher.DefaultSpecFor(spec), bufferCapacity: 300);
        using var original = new OnlineLearner(spec);
        var stream = new SyntheticStream(5, 3, seed: 21);
        var batches = Enumerable.Range(0, 120).Select(i =>
        {
            var (x, y) = stream.Next(16);
            // Noise and a class swap halfway so that corrections, down-weights and drifts all happen.
            var rng = new Random(i);
            for (int r = 0; r < y.Length; r++)
            {
                if (i >= 60) y[r] = y[r] == 0 ? 1 : y[r] == 1 ? 0 : y[r];
                if (rng.NextDouble() < 0.3) y[r] = rng.Next(3);
            }
            return (x, y);
        }).ToList();

        OnlineLearner? restored = null;
        ReplayTeacher? restoredTeacher = null;
        try
        {
            for (int i = 0; i < batches.Count; i++)
            {
                var (x, y) = batches[i];
                if (i == 40)
                {
                    restored = OnlineLearner.Restore(original.Snapshot(), "cpu");
                    restoredTeacher = ReplayTeacher.Restore(teacher.Snapshot(), "cpu");
                    Assert.Equal(original.Snapshot(), restored.Snapshot());
                }
                var d1 = teacher.SampleDistillationBatch(8, spec.Temperature);
                var a = original.TestThenTrain(x, 16, y, d1);
                teacher.Learn(x, 16, y);
                if (restored is null) continue;
                var d2 = restoredTeacher!.SampleDistillationBatch(8, spec.Temperature);
                var b = restored.TestThenTrain(x, 16, y, d2);
                restoredTeacher.Learn(x, 16, y);
                Assert.Equal(a.Probabilities, b.Probabilities); // exact float equality
                Assert.Equal(a.Loss, b.Loss);
                Assert.Equal(a.Corrected, b.Corrected);
                Assert.Equal(a.DriftDetected, b.DriftDetected);
            }
            Assert.Equal(original.Counters, restored!.Counters);
            Assert.Equal(original.Version, restored.Version);
            Assert.Equal(original.Snapshot(), restored.Snapshot());
            Assert.Equal(teacher.Snapshot(), restoredTeacher!.Snapshot());
            var c = original.Counters;
            Assert.True(c.LabelsCorrected > 0 && c.SamplesDownWeighted > 0 && c.DistilledSamples > 0, $"scenario too easy: {c}");
        }
        finally
        {
            restored?.Dispose();
            restoredTeacher?.Dispose();
        }
    }

    [Fact]
    public void Two_learners_with_one_seed_agree_and_other_seeds_differ()
    {
        using var a = new OnlineLearner(Spec);
        using var b = new OnlineLearner(Spec);
        using var c = new OnlineLearner(Spec with { Seed = 10 });
        var (x, _) = new SyntheticStream(5, 3, 1).Next(4);
        Assert.Equal(a.PredictProbabilities(x, 4), b.PredictProbabilities(x, 4));
        Assert.NotEqual(a.PredictProbabilities(x, 4), c.PredictProbabilities(x, 4));
    }

    [Fact]
    public void Damaged_snapshots_are_rejected()
    {
        using var learner = new OnlineLearner(Spec);
        var bytes = learner.Snapshot();
        Assert.Throws<InvalidDataException>(() => OnlineLearner.Restore([1, 2, 3, 4, 5, 6, 7, 8]));
        Assert.ThrowsAny<Exception>(() => OnlineLearner.Restore(bytes[..(bytes.Length / 2)]));
        Assert.Throws<InvalidDataException>(() => OnlineLearner.Restore([.. bytes, 0]));
    }
}
