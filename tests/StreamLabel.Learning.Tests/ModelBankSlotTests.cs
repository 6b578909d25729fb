using StreamLabel.Learning.Bank;
using StreamLabel.Learning.Tests.Support;
using TorchSharp;

namespace StreamLabel.Learning.Tests;

/// <summary>A bank slot is an OnlineLearner in another place: same bytes, same start, restores both ways, isolated from its neighbours.</summary>
public sealed class ModelBankSlotTests
{
    private static LearnerSpec Spec(int seed) => BankScenario.Spec(seed);

    [Fact]
    public void Fresh_slot_snapshot_is_the_bytes_of_a_fresh_learner()
    {
        using var bank = new ModelBank(Spec(1), initialCapacity: 1);
        foreach (int seed in new[] { 3, 4, 5 }) // the third add grows the bank twice
        {
            using var learner = new OnlineLearner(Spec(seed));
            int slot = bank.Add(Spec(seed));
            Assert.Equal(learner.Snapshot(), bank.Snapshot(slot));
        }
        Assert.Equal(3, bank.Count);
        Assert.True(bank.Capacity >= 3);
    }

    [Fact]
    public void Slot_restored_from_a_learner_continues_like_it_and_its_snapshot_restores_into_a_learner()
    {
        var scenario = new BankScenario(1, driftAt: 30);
        using var learner = new OnlineLearner(Spec(21));
        for (int round = 0; round < 20; round++)
            if (scenario.Round(round)[0] is { } b) learner.TestThenTrain(b.X, b.Rows, b.Y, b.D);

        using var bank = new ModelBank(Spec(1));
        bank.Add(Spec(2)); // a neighbour, so the restored slot is not slot 0
        int slot = bank.Restore(learner.Snapshot());
        Assert.Equal(1, slot);
        Assert.Equal(learner.Snapshot(), bank.Snapshot(slot)); // bit-exact round trip
        Assert.Equal(learner.Counters, bank.Slot(slot).Counters);

        // Both continue on the same batches (through drift); the bank's snapshot then restores into a learner that
        // continues like the original too.
        OnlineLearner? fromBank = null;
        try
        {
            for (int round = 20; round < 60; round++)
            {
                if (scenario.Round(round)[0] is not { } b) continue;
                if (round == 40)
                {
                    fromBank = OnlineLearner.Restore(bank.Snapshot(slot), "cpu");
                    Assert.Equal(bank.Snapshot(slot), fromBank.Snapshot());
                }
                var e = learner.TestThenTrain(b.X, b.Rows, b.Y, b.D);
                var a = bank.TestThenTrain([new BankStep(slot, b.X, b.Rows, b.Y, b.D)])[0];
                var c = fromBank?.TestThenTrain(b.X, b.Rows, b.Y, b.D);
                Assert.Equal(e.Predicted, a.Predicted);
                Assert.Equal(e.Corrected, a.Corrected);
                Assert.Equal(e.DriftDetected, a.DriftDetected);
                if (c is not null)
                {
                    Assert.Equal(a.Predicted, c.Predicted);
                    for (int i = 0; i < a.Probabilities.Length; i++) Assert.True(Math.Abs(a.Probabilities[i] - c.Probabilities[i]) < 1e-4);
                }
            }
            Assert.Equal(learner.Counters, bank.Slot(slot).Counters);
            Assert.Equal(learner.Counters, fromBank!.Counters);
            Assert.Equal(learner.Version, bank.Slot(slot).Version);
        }
        finally
        {
            fromBank?.Dispose();
        }
    }

    [Fact]
    public void Slots_that_do_not_take_part_keep_their_bytes()
    {
        using var bank = new ModelBank(Spec(1), initialCapacity: 2);
        int a = bank.Add(Spec(1)), b = bank.Add(Spec(2)), predictOnly = bank.Add(Spec(3)); // the third add grows the bank
        var stream = new SyntheticStream(BankScenario.Features, BankScenario.Classes, seed: 5);
        var (x0, y0) = stream.Next(8);
        bank.TestThenTrain([new BankStep(b, x0, 8, y0), new BankStep(predictOnly, x0, 8, y0)]); // both have Adam moments now
        var before = bank.Snapshot(b);
        var predictOnlyBefore = SnapshotParameters.Read(bank.Snapshot(predictOnly));
        for (int i = 0; i < 10; i++)
        {
            var (x, y) = stream.Next(12);
            var (px, _) = stream.Next(4);
            var results = bank.TestThenTrain([new BankStep(a, x, 12, y), new BankStep(predictOnly, px, 4, new[] { -1, -1, -1, -1 })]);
            Assert.Equal(i + 1, results[0].Version);
            Assert.Equal(1, results[1].Version);
            Assert.True(double.IsNaN(results[1].Loss));
        }
        // A predict-only participant keeps weights, moments and step count (its standardizer and seen-counter move, as a learner's do).
        var predictOnlyAfter = SnapshotParameters.Read(bank.Snapshot(predictOnly));
        Assert.Equal(predictOnlyBefore.Steps, predictOnlyAfter.Steps);
        Assert.Equal(predictOnlyBefore.Parameters, predictOnlyAfter.Parameters);
        Assert.Equal(predictOnlyBefore.Moments, predictOnlyAfter.Moments);
        Assert.Equal(before, bank.Snapshot(b)); // weights, Adam moments, step count, standardizer, counters untouched
        Assert.Equal(1, bank.Slot(predictOnly).Version);
        Assert.Equal(8 + 40, bank.Slot(predictOnly).Counters.EventsSeen); // predict-only rows count as seen, as in OnlineLearner
    }

    [Fact]
    public void Prediction_equals_the_learners()
    {
        using var bank = new ModelBank(Spec(1));
        using var learner = new OnlineLearner(Spec(8));
        int slot = bank.Add(Spec(8));
        var stream = new SyntheticStream(BankScenario.Features, BankScenario.Classes, seed: 6);
        for (int i = 0; i < 5; i++)
        {
            var (x, y) = stream.Next(16);
            learner.TestThenTrain(x, 16, y);
            bank.TestThenTrain([new BankStep(slot, x, 16, y)]);
        }
        var probe = stream.Next(7).X;
        var e = learner.PredictProbabilities(probe, 7);
        var a = bank.PredictProbabilities(slot, probe, 7);
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) < 1e-5, $"{i}: {a[i]} vs {e[i]}");
    }

    [Fact]
    public void Removed_slot_is_gone_and_its_index_is_reused_fresh()
    {
        using var bank = new ModelBank(Spec(1));
        int a = bank.Add(Spec(1)), b = bank.Add(Spec(2));
        var stream = new SyntheticStream(BankScenario.Features, BankScenario.Classes, seed: 7);
        var (x, y) = stream.Next(10);
        bank.TestThenTrain([new BankStep(a, x, 10, y), new BankStep(b, x, 10, y)]);
        var view = bank.Slot(a);
        bank.Remove(a);
        Assert.False(view.Live);
        Assert.Equal(1, bank.Count);
        var gone = Assert.Throws<ArgumentOutOfRangeException>(() => bank.Snapshot(a));
        Assert.Equal("slot", gone.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => bank.TestThenTrain([new BankStep(a, x, 10, y)]));
        int c = bank.Add(Spec(9));
        Assert.Equal(a, c);
        using var fresh = new OnlineLearner(Spec(9));
        Assert.Equal(fresh.Snapshot(), bank.Snapshot(c)); // no weights, moments or counters of the removed student
    }

    [Fact]
    public void Unsupported_and_mismatched_specs_and_bad_entries_are_named()
    {
        Assert.False(ModelBank.Supports(Spec(1) with { LaggedLabels = true }));
        Assert.False(ModelBank.Supports(Spec(1) with { DriftChallengerEvents = 500 }));
        Assert.True(ModelBank.Supports(Spec(1)));
        Assert.Throws<NotSupportedException>(() => new ModelBank(Spec(1) with { LaggedLabels = true }));
        using var lagged = new OnlineLearner(Spec(1) with { LaggedLabels = true });
        using var bank = new ModelBank(Spec(1));
        Assert.Throws<NotSupportedException>(() => bank.Restore(lagged.Snapshot()));
        Assert.True(bank.Accepts(Spec(77)));
        Assert.True(bank.Accepts(Spec(1) with { HiddenLayers = [16] })); // a new array with equal widths
        Assert.True(bank.Accepts(Spec(1) with { LearningRate = 0.02, Smoothing = 0.2 })); // each slot's own (tuning arms)
        Assert.False(bank.Accepts(Spec(1) with { WeightDecay = 0.01 }));
        Assert.False(bank.Accepts(Spec(1) with { HiddenLayers = [8] }));
        Assert.Throws<ArgumentException>(() => bank.Add(Spec(1) with { WeightDecay = 0.01 }));

        int a = bank.Add(Spec(1)), b = bank.Add(Spec(2));
        var x = new float[4 * BankScenario.Features];
        var e = Assert.Throws<ArgumentException>(() => bank.TestThenTrain([new BankStep(a, x, 4, new[] { 0, 1, 2, 0 }), new BankStep(b, x, 4, new[] { 0, 1 })]));
        Assert.Equal("steps[1].Labels", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => bank.TestThenTrain([new BankStep(a, x, 4, new[] { 0, 1, 2, 0 }), new BankStep(a, x, 4, new[] { 0, 1, 2, 0 })]));
        Assert.Equal("steps[1].Slot", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => bank.TestThenTrain([new BankStep(b, x, 3, new[] { 0, 1, 2 })]));
        Assert.Equal("steps[0].Features", e.ParamName);
        Assert.Equal(0, bank.Slot(a).Counters.EventsSeen); // nothing changed by a rejected call
    }

    [Fact]
    public void Growing_frees_the_buffers_it_replaces()
    {
        using var bank = new ModelBank(Spec(1), initialCapacity: 1);
        bank.Add(Spec(1));
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int s = 0; s < 64; s++) bank.Add(Spec(s)); // capacity 1 → 128: seven growths
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(128, bank.Capacity);
        Assert.True(after <= before, $"live tensors grew from {before} to {after} over seven growths");
    }

    [Fact]
    public void Live_tensor_count_stays_flat_over_many_rounds()
    {
        using var bank = new ModelBank(Spec(1), initialCapacity: 2);
        var scenario = new BankScenario(5, driftAt: 100);
        var slots = Enumerable.Range(0, 5).Select(s => bank.Add(Spec(s))).ToArray();

        void Run(int from, int rounds)
        {
            for (int round = from; round < from + rounds; round++)
            {
                var batches = scenario.Round(round);
                var steps = Enumerable.Range(0, 5).Where(s => batches[s] is not null)
                    .Select(s => new BankStep(slots[s], batches[s]!.Value.X, batches[s]!.Value.Rows, batches[s]!.Value.Y, batches[s]!.Value.D)).ToList();
                bank.TestThenTrain(steps);
                bank.Snapshot(slots[round % 5]);
                bank.PredictProbabilities(slots[0], batches[0]?.X ?? new float[BankScenario.Features], batches[0]?.Rows ?? 1);
                bank.Remove(slots[4]);
                slots[4] = bank.Add(Spec(round));
            }
        }

        Run(0, 20);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Run(20, 200);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after <= before, $"live tensors grew from {before} to {after} over 200 rounds");
    }
}
