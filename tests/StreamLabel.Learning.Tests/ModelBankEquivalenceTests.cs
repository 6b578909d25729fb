using StreamLabel.Learning.Bank;
using StreamLabel.Specs;
using StreamLabel.Learning.Tests.Support;
using Xunit.Abstractions;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// A bank steps many students as their own OnlineLearners would: same predictions, counters, versions, and weights
/// within float tolerance (bmm sums in another order than linear, so bits may differ).
/// </summary>
public sealed class ModelBankEquivalenceTests(ITestOutputHelper output)
{
    // Weights and moments: |bank - learner| <= 1e-5 + 1e-4·|learner| after 80 steps (observed: at most 2e-7).
    private const double Absolute = 1e-5, Relative = 1e-4;

    [Theory]
    [InlineData("adam", false)]
    [InlineData("sgd", false)]
    [InlineData("adam", true)]
    [InlineData("sgd", true)]
    public void Bank_matches_one_learner_per_student(string optimizer, bool ownSettings)
    {
        const int students = 5, rounds = 80;
        using var bank = new ModelBank(BankScenario.Spec(1, optimizer), initialCapacity: 2); // grows while adding
        var learners = Enumerable.Range(0, students)
            .Select(s => new OnlineLearner(ownSettings ? OwnSettings(BankScenario.Spec(11 + 13 * s, optimizer), s) : BankScenario.Spec(11 + 13 * s, optimizer))).ToArray();
        try
        {
            var slots = learners.Select(l => bank.Add(l.Spec)).ToArray();
            var scenario = new BankScenario(students, driftAt: 45);
            int rows = 0, mismatched = 0;
            for (int round = 0; round < rounds; round++)
            {
                var batches = scenario.Round(round);
                var steps = new List<BankStep>();
                var expected = new List<PrequentialResult>();
                for (int s = 0; s < students; s++)
                {
                    if (batches[s] is not { } b) continue;
                    steps.Add(new BankStep(slots[s], b.X, b.Rows, b.Y, b.D));
                    expected.Add(learners[s].TestThenTrain(b.X, b.Rows, b.Y, b.D));
                }
                var actual = bank.TestThenTrain(steps);
                Assert.Equal(expected.Count, actual.Count);
                for (int i = 0; i < actual.Count; i++)
                {
                    var (e, a) = (expected[i], actual[i]);
                    rows += e.Rows;
                    mismatched += e.Predicted.Zip(a.Predicted).Count(p => p.First != p.Second);
                    for (int j = 0; j < e.Probabilities.Length; j++) Assert.True(Math.Abs(e.Probabilities[j] - a.Probabilities[j]) < 1e-4, $"round {round} entry {i}: probability {j} {a.Probabilities[j]} vs {e.Probabilities[j]}");
                    Assert.Equal(e.Version, a.Version);
                    Assert.Equal(e.Labeled, a.Labeled);
                    Assert.Equal(e.DriftDetected, a.DriftDetected);
                    Assert.Equal(e.Corrected, a.Corrected);
                    Assert.Equal(e.DownWeighted, a.DownWeighted);
                    Assert.Equal(double.IsNaN(e.Loss), double.IsNaN(a.Loss));
                    if (!double.IsNaN(e.Loss)) Assert.True(Math.Abs(e.Loss - a.Loss) < 1e-4, $"round {round} entry {i}: loss {a.Loss} vs {e.Loss}");
                    Assert.Equal(e.TeacherAgreement, a.TeacherAgreement);
                }
            }
            double maxDiff = 0;
            Assert.True(mismatched <= rows / 1000, $"{mismatched} of {rows} predicted classes differ");

            for (int s = 0; s < students; s++)
            {
                var slot = bank.Slot(slots[s]);
                Assert.Equal(learners[s].Counters, slot.Counters);
                Assert.Equal(learners[s].Version, slot.Version);
                Assert.Equal(learners[s].Metrics.Hits, slot.Metrics.Hits);
                Assert.Equal(learners[s].Maturity, slot.Maturity);
                Assert.Equal(learners[s].GlobalTrust, slot.GlobalTrust);
                maxDiff = Math.Max(maxDiff, AssertClose(SnapshotParameters.Read(learners[s].Snapshot()), SnapshotParameters.Read(bank.Snapshot(slots[s]))));
            }
            output.WriteLine($"{optimizer}: {mismatched} of {rows} predicted classes differ; largest weight/moment difference {maxDiff:E2}; counters {string.Join(" | ", learners.Select(l => l.Counters))}");
            // The scenario must exercise what it claims: drifts, corrections, down-weights, distillation, skipped rounds.
            var total = learners.Select(l => l.Counters).ToArray();
            Assert.True(total.Sum(c => c.DriftsDetected) > 0, "no drift detected");
            Assert.True(total.Sum(c => c.LabelsCorrected) > 0 && total.Sum(c => c.SamplesDownWeighted) > 0, "self-correction never acted");
            Assert.True(total.Sum(c => c.DistilledSamples) > 0, "no distillation");
            Assert.NotEqual(total[0].Steps, total[1].Steps);
        }
        finally
        {
            foreach (var l in learners) l.Dispose();
        }
    }

    // Students that differ in every per-slot hyperparameter (tuning arms): each must still learn as its own learner.
    private static LearnerSpec OwnSettings(LearnerSpec spec, int student) => (student switch
    {
        1 => spec with { Smoothing = 0, SelfCorrection = spec.SelfCorrection with { Enabled = false } },
        2 => spec with { Smoothing = 0.15, SelfCorrection = spec.SelfCorrection with { MinWeight = 0.05, LossScale = 0.5 } },
        3 => spec with { Temperature = 4, DistillationWeight = 0.6, LearningRate = spec.LearningRate * 0.5 },
        4 => spec with { LearningRate = spec.LearningRate * 2, DriftBoost = 3, DriftDetector = DriftDetectorKind.PageHinkley },
        _ => spec,
    }).Validate();

    // Returns the largest absolute difference.
    private static double AssertClose((float[][] Parameters, long Steps, float[][] Moments) expected, (float[][] Parameters, long Steps, float[][] Moments) actual)
    {
        double max = 0;
        Assert.Equal(expected.Steps, actual.Steps);
        foreach (var (e, a, what) in expected.Parameters.Zip(actual.Parameters, (e, a) => (e, a, "weight"))
                     .Concat(expected.Moments.Zip(actual.Moments, (e, a) => (e, a, "moment"))))
        {
            Assert.Equal(e.Length, a.Length);
            for (int i = 0; i < e.Length; i++)
            {
                max = Math.Max(max, Math.Abs(e[i] - a[i]));
                Assert.True(Math.Abs(e[i] - a[i]) <= Absolute + Relative * Math.Abs(e[i]), $"{what}[{i}]: bank {a[i]} vs learner {e[i]}");
            }
        }
        return max;
    }
}
