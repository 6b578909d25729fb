using StreamLabel.Learning.Bank;
using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// A step whose loss is NaN or infinite is skipped and counted, in the one learning step: the weights and optimizer
/// moments stay as they were (a NaN step would corrupt them for good, and they would be persisted), and in a bank
/// the other slots of the same step learn as if nothing happened.
/// </summary>
public sealed class NonFiniteLossTests
{
    private const int F = 4, K = 2, Rows = 16;

    private static LearnerSpec Spec(int seed, double learningRate = 0.005) =>
        new() { FeatureCount = F, ClassCount = K, Seed = seed, LearningRate = learningRate };

    private static (float[] X, int[] Y) Batch(int seed, int rows = Rows)
    {
        var rng = new Random(seed);
        var x = new float[rows * F];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var y = new int[rows];
        for (int r = 0; r < rows; r++) y[r] = x[r * F] + x[r * F + 1] > 0 ? 1 : 0;
        return (x, y);
    }

    // A teacher that sends NaN soft targets (e.g. a diverged teacher): the distillation term, so the loss, is NaN.
    private static DistillationBatch BrokenTeacher(float[] x, int rows) =>
        new(x.AsSpan(0, rows * F).ToArray(), rows, Enumerable.Repeat(float.NaN, rows * K).ToArray());

    private static bool AllFinite((float[][] Parameters, long Steps, float[][] Moments) s) =>
        s.Parameters.Concat(s.Moments).All(t => t.All(float.IsFinite));

    [Fact]
    public void Learner_skips_and_counts_a_step_with_a_NaN_loss_and_keeps_its_weights()
    {
        using var learner = new OnlineLearner(Spec(3));
        var (x1, y1) = Batch(1);
        learner.TestThenTrain(x1, Rows, y1);
        var before = SnapshotParameters.Read(learner.Snapshot());

        var (x2, y2) = Batch(2);
        var bad = learner.TestThenTrain(x2, Rows, y2, BrokenTeacher(x1, 4));
        var after = SnapshotParameters.Read(learner.Snapshot());
        Assert.Equal(before.Parameters, after.Parameters);
        Assert.Equal(before.Moments, after.Moments);
        Assert.True(bad.StepSkipped);
        Assert.False(double.IsFinite(bad.Loss));
        Assert.Equal(1, bad.Version);
        Assert.Equal(1, after.Steps);
        Assert.Equal(1, learner.Counters.StepsSkipped);
        Assert.Equal(Rows, learner.Counters.EventsLearned); // the skipped batch was not learned from

        var (x3, y3) = Batch(3);
        var next = learner.TestThenTrain(x3, Rows, y3);
        Assert.False(next.StepSkipped);
        Assert.True(double.IsFinite(next.Loss));
        Assert.Equal(2, next.Version);
        Assert.All(next.Probabilities, p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void Learner_with_a_diverging_learning_rate_never_steps_into_non_finite_weights()
    {
        // Adam's first step moves every weight by about the learning rate: 1e30 makes the next logits overflow.
        using var learner = new OnlineLearner(Spec(5, learningRate: 1e30));
        int skipped = 0;
        for (int step = 0; step < 4; step++)
        {
            var (x, y) = Batch(10 + step);
            if (learner.TestThenTrain(x, Rows, y).StepSkipped) skipped++;
            Assert.True(AllFinite(SnapshotParameters.Read(learner.Snapshot())), $"non-finite weights after step {step}");
        }
        Assert.True(skipped > 0, "the learning rate did not make a loss non-finite: the test tests nothing");
        Assert.Equal(skipped, learner.Counters.StepsSkipped);
        Assert.Equal(4 - skipped, learner.Version);
    }

    [Fact]
    public void Bank_skips_only_the_slot_with_a_NaN_loss_and_the_others_learn_as_without_it()
    {
        var spec = Spec(1);
        using var bank = new ModelBank(spec);
        using var reference = new ModelBank(spec);
        int a = bank.Add(spec with { Seed = 7 }), b = bank.Add(spec with { Seed = 8 });
        int ra = reference.Add(spec with { Seed = 7 }), rb = reference.Add(spec with { Seed = 8 });
        var initialA = bank.Snapshot(a);

        var (xa, ya) = Batch(20, rows: 4);
        var (xb, yb) = Batch(21);
        // Same step for b in both banks; a's loss is NaN in one and a learns nothing in the other (predict only).
        var results = bank.TestThenTrain([new BankStep(a, xa, 4, ya, BrokenTeacher(xa, 4)), new BankStep(b, xb, Rows, yb)]);
        reference.TestThenTrain([new BankStep(ra, xa, 4, new int[] { -1, -1, -1, -1 }), new BankStep(rb, xb, Rows, yb)]);

        var slotA = SnapshotParameters.Read(bank.Snapshot(a));
        var startA = SnapshotParameters.Read(initialA);
        Assert.Equal(startA.Parameters, slotA.Parameters);
        Assert.Equal(startA.Moments, slotA.Moments);
        Assert.True(results[0].StepSkipped);
        Assert.False(results[1].StepSkipped);
        Assert.True(double.IsFinite(results[1].Loss));
        Assert.Equal(0, bank.Slot(a).Version);
        Assert.Equal(1, bank.Slot(a).Counters.StepsSkipped);
        Assert.Equal(0, bank.Slot(b).Counters.StepsSkipped);

        var slotB = SnapshotParameters.Read(bank.Snapshot(b));
        var referenceB = SnapshotParameters.Read(reference.Snapshot(rb));
        Assert.Equal(1, slotB.Steps);
        Assert.True(AllFinite(slotB));
        Assert.Equal(referenceB.Parameters, slotB.Parameters);
        Assert.Equal(referenceB.Moments, slotB.Moments);
    }
}
