using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests;

/// <summary>LearnerSpec.DriftChallengerEvents: a since-drift learner that the student adopts after a real change.</summary>
public sealed class DriftChallengerTests
{
    private static LearnerSpec Spec(int challenger) => new()
    {
        FeatureCount = 5, ClassCount = 2, HiddenLayers = [16], LearningRate = 0.01,
        SelfCorrection = new SelfCorrectionOptions { MaturityEvents = 300 }, DriftDetector = DriftDetectorKind.Adwin, Seed = 4, Device = "cpu",
        DriftChallengerEvents = challenger,
    };

    // 200 batches of 16 with 10% label noise; from batch 120 on the two classes are swapped (an abrupt real drift).
    private static List<(float[] X, int[] Y, int[] Truth)> SwapStream()
    {
        var stream = new SyntheticStream(5, 2, seed: 13);
        var rng = new Random(17);
        return Enumerable.Range(0, 200).Select(b =>
        {
            var (x, y) = stream.Next(16);
            if (b >= 120) for (int r = 0; r < 16; r++) y[r] = 1 - y[r];
            var truth = y.ToArray();
            for (int r = 0; r < 16; r++) if (rng.NextDouble() < 0.1) y[r] = 1 - y[r];
            return (x, y, truth);
        }).ToList();
    }

    private static (double AfterDrift, long Adopted, long[] Versions) Run(int challenger)
    {
        using var learner = new OnlineLearner(Spec(challenger));
        int hits = 0, scored = 0;
        var versions = new List<long>();
        var batches = SwapStream();
        for (int b = 0; b < batches.Count; b++)
        {
            var (x, y, truth) = batches[b];
            var r = learner.TestThenTrain(x, 16, y);
            versions.Add(r.Version);
            if (b < 120 || b >= 150) continue; // the 480 events after the swap
            for (int i = 0; i < 16; i++) if (r.Predicted[i] == truth[i]) hits++;
            scored += 16;
        }
        return ((double)hits / scored, learner.ChallengersAdopted, versions.ToArray());
    }

    [Fact]
    public void After_a_swap_the_adopted_challenger_recovers_faster_and_versions_stay_monotonic()
    {
        var with = Run(1000);
        var without = Run(0);
        Assert.True(with.Adopted >= 1, "no challenger adopted after the swap");
        Assert.Equal(0, without.Adopted);
        Assert.True(with.AfterDrift > without.AfterDrift + 0.05, $"after the swap: with challenger {with.AfterDrift:0.000}, without {without.AfterDrift:0.000}");
        for (int i = 1; i < with.Versions.Length; i++) Assert.True(with.Versions[i] > with.Versions[i - 1], $"version went from {with.Versions[i - 1]} to {with.Versions[i]}");
    }

    [Fact]
    public void Restored_learner_with_a_running_challenger_continues_bit_exact()
    {
        using var original = new OnlineLearner(Spec(1000) with { LaggedLabels = true });
        OnlineLearner? restored = null;
        try
        {
            foreach (var (x, y, _) in SwapStream())
            {
                if (restored is null && original.ChallengerActive)
                {
                    restored = OnlineLearner.Restore(original.Snapshot(), "cpu");
                    Assert.True(restored.ChallengerActive);
                }
                var a = original.TestThenTrain(x, 16, y);
                if (restored is null) continue;
                var b = restored.TestThenTrain(x, 16, y);
                Assert.Equal(a.Probabilities, b.Probabilities); // exact float equality
                Assert.Equal(a.Version, b.Version);
                Assert.Equal(original.ChallengerActive, restored.ChallengerActive);
            }
            Assert.NotNull(restored);
            Assert.Equal(original.ChallengersAdopted, restored!.ChallengersAdopted);
            Assert.Equal(original.Snapshot(), restored.Snapshot());
        }
        finally { restored?.Dispose(); }
    }

    [Fact]
    public void A_negative_horizon_is_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new OnlineLearner(Spec(-1)));
        Assert.Equal("DriftChallengerEvents", e.ParamName);
    }
}
