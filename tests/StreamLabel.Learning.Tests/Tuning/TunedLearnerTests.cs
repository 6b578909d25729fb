using StreamLabel.Learning.Tests.Support;
using StreamLabel.Learning.Tuning;

namespace StreamLabel.Learning.Tests.Tuning;

/// <summary>A tuned learner: its arms learn as their own learners would, it serves one arm's predictions, and a
/// snapshot resumes the arms and the bandit's choice.</summary>
public sealed class TunedLearnerTests
{
    private static readonly TuningOptions Fast = new() { WarmupEvents = 200, MinEvidence = 20, SwitchScore = 2 };

    [Fact]
    public void Each_arm_learns_as_its_own_learner_and_the_served_arm_gives_the_predictions()
    {
        var spec = BankScenario.Spec(5);
        using var tuned = new TunedLearner(spec, Fast);
        var learners = Fast.Arms.Select(a => new OnlineLearner(a.Apply(spec))).ToArray();
        try
        {
            var stream = new SyntheticStream(BankScenario.Features, BankScenario.Classes, seed: 9);
            for (int b = 0; b < 60; b++)
            {
                var (x, y) = stream.Next(24);
                int served = tuned.Served;
                var result = tuned.TestThenTrain(x, 24, y);
                Assert.Equal(served, result.ServedArm);
                Assert.Same(result.Arms[served], result.Served);
                for (int a = 0; a < learners.Length; a++)
                {
                    var expected = learners[a].TestThenTrain(x, 24, y);
                    Assert.Equal(expected.Predicted, result.Arms[a]!.Predicted);
                }
            }
            for (int a = 0; a < learners.Length; a++) Assert.Equal(learners[a].Counters, tuned.Arm(a).Counters);
            Assert.NotEqual(tuned.ArmSpecs[0].LearningRate, tuned.ArmSpecs[3].LearningRate);
        }
        finally
        {
            foreach (var l in learners) l.Dispose();
        }
    }

    [Fact]
    public void A_restored_tuned_learner_serves_the_same_arm_and_continues_identically()
    {
        var spec = BankScenario.Spec(6);
        var stream = new SyntheticStream(BankScenario.Features, BankScenario.Classes, seed: 10);
        using var original = new TunedLearner(spec, Fast);
        // Noisy labels for arm differences to show, then a class rotation so the bandit has something to decide.
        var rng = new Random(2);
        for (int b = 0; b < 150; b++)
        {
            var (x, y) = stream.Next(32);
            for (int i = 0; i < y.Length; i++) if (rng.NextDouble() < 0.3) y[i] = rng.Next(BankScenario.Classes); else if (b > 75) y[i] = (y[i] + 1) % BankScenario.Classes;
            original.TestThenTrain(x, 32, y);
        }
        using var restored = TunedLearner.Restore(original.Snapshot(), spec, Fast, "cpu");
        Assert.Equal(original.Served, restored.Served);
        Assert.Equal(original.Policy.Switches, restored.Policy.Switches);
        for (int a = 0; a < Fast.Arms.Count; a++) Assert.Equal(original.Policy.Reward(a), restored.Policy.Reward(a));
        for (int b = 0; b < 20; b++)
        {
            var (x, y) = stream.Next(32);
            var e = original.TestThenTrain(x, 32, y);
            var r = restored.TestThenTrain(x, 32, y);
            Assert.Equal(e.ServedArm, r.ServedArm);
            Assert.Equal(e.Served.Probabilities, r.Served.Probabilities);
        }
        Assert.Equal(original.Snapshot(), restored.Snapshot());
    }

    [Fact]
    public void A_snapshot_of_other_arms_is_refused_naming_the_arm()
    {
        var spec = BankScenario.Spec(7);
        using var tuned = new TunedLearner(spec, Fast);
        var renamed = Fast with { Arms = [.. Fast.Arms.Take(1), new TuningArm { Name = "other", Smoothing = 0 }, .. Fast.Arms.Skip(2)] };
        var e = Assert.Throws<InvalidDataException>(() => TunedLearner.Restore(tuned.Snapshot(), spec, renamed, "cpu"));
        Assert.Contains("'other'", e.Message);
    }

    [Fact]
    public void The_catalogue_has_exactly_the_arms_a_spec_can_name() =>
        Assert.Equal(Specs.TuningArmNames.Known, TuningArms.Catalogue.Keys.ToArray());

    [Fact]
    public void An_arm_with_a_bad_setting_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new TunedLearner(BankScenario.Spec(1),
            new TuningOptions { Arms = [new TuningArm { Name = "spec" }, new TuningArm { Name = "wild", Smoothing = 1.5 }] }));
        Assert.Contains("tuning arm 'wild'", e.Message);
        Assert.Contains("Smoothing", e.Message);
    }
}
