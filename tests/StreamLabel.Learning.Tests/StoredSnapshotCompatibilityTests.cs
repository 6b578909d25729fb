namespace StreamLabel.Learning.Tests;

/// <summary>
/// A learner snapshot written before the spec's choices became enums (Fixtures/learner-before-spec-enums.snapshot:
/// sgd, "others" smoothing, Page-Hinkley, 20 steps of a fixed stream) still loads, and today's code learns the same
/// snapshot: the same step count and counters, weights and moments within float32 rounding (the step's losses are computed
/// on the host since issue 20, in another order than the tensor calls that wrote the stored bytes).
/// </summary>
public sealed class StoredSnapshotCompatibilityTests
{
    private static byte[] Stored => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "learner-before-spec-enums.snapshot"));

    [Fact]
    public void A_snapshot_from_before_the_enums_loads_with_its_choices()
    {
        using var learner = OnlineLearner.Restore(Stored, "cpu");
        Assert.Equal(OptimizerKind.Sgd, learner.Spec.Optimizer);
        Assert.Equal(SmoothingConvention.Others, learner.Spec.SmoothingConvention);
        Assert.Equal(DriftDetectorKind.PageHinkley, learner.Spec.DriftDetector);
        Assert.Equal(Stored, learner.Snapshot());
    }

    [Fact]
    public void The_same_learning_writes_the_same_bytes_as_before()
    {
        var spec = new LearnerSpec
        {
            FeatureCount = 3, ClassCount = 3, HiddenLayers = [8], Optimizer = OptimizerKind.Sgd, LearningRate = 0.1,
            SmoothingConvention = SmoothingConvention.Others, DriftDetector = DriftDetectorKind.PageHinkley, Seed = 5, Device = "cpu",
        };
        using var learner = new OnlineLearner(spec);
        var random = new Random(1);
        for (int step = 0; step < 20; step++)
        {
            var x = Enumerable.Range(0, 8 * 3).Select(_ => (float)random.NextDouble()).ToArray();
            var y = Enumerable.Range(0, 8).Select(i => (int)(x[i * 3] * 3) % 3).ToArray();
            learner.TestThenTrain(x, 8, y);
        }
        using var stored = OnlineLearner.Restore(Stored, "cpu");
        Assert.Equal(stored.Counters, learner.Counters);
        var expected = Support.SnapshotParameters.Read(Stored);
        var actual = Support.SnapshotParameters.Read(learner.Snapshot());
        Assert.Equal(expected.Steps, actual.Steps);
        foreach (var (e, a) in expected.Parameters.Zip(actual.Parameters).Concat(expected.Moments.Zip(actual.Moments)))
        {
            Assert.Equal(e.Length, a.Length);
            for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-6, $"{a[i]} vs stored {e[i]}");
        }
    }
}
