using StreamLabel.Learning.Bank;
using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// The scheduler coalesces queued steps into one bank step per round, keeps each learner's order, fails only the
/// round that threw and fails what is pending on disposal. The worker is held by an internal operation waiting on a
/// gate so that what is queued meanwhile forms known rounds.
/// </summary>
public sealed class BankSchedulerTests
{
    private static LearnerSpec Spec(int seed) => BankScenario.Spec(seed);

    // Holds the worker until the returned gate is set.
    private static (ManualResetEventSlim Gate, Task Held) Hold(BankScheduler scheduler)
    {
        var gate = new ManualResetEventSlim();
        var started = new ManualResetEventSlim();
        var held = scheduler.RunAsync<bool>(null, () => { started.Set(); return gate.Wait(TimeSpan.FromSeconds(30)); });
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "worker did not start the holding operation");
        return (gate, held);
    }

    [Fact]
    public async Task LearnAsync_learns_as_OnlineLearner_Learn_without_scoring_and_a_step_after_it_matches_too()
    {
        await using var scheduler = new BankScheduler(initialCapacity: 2);
        var banked = await scheduler.AddAsync(Spec(41));
        using var reference = new OnlineLearner(Spec(41));
        var stream = new SyntheticStream(BankScenario.Features, BankScenario.Classes, seed: 12);
        for (int i = 0; i < 5; i++)
        {
            var (x, y) = stream.Next(16);
            var expected = reference.Learn(x, 16, y);
            var actual = await banked.LearnAsync(x, 16, y);
            Assert.Equal(expected.Version, actual.Version);
            Assert.True(Math.Abs(expected.Loss - actual.Loss) < 1e-4, $"step {i}: loss {actual.Loss} vs {expected.Loss}");
        }
        // Learned, not scored: no events seen, no metrics, as the reference.
        Assert.Equal(0, banked.Counters.EventsSeen);
        Assert.Equal(5 * 16, banked.Counters.EventsLearned);
        Assert.Equal(reference.Counters, banked.Counters);
        var (x2, y2) = stream.Next(16);
        var next = reference.TestThenTrain(x2, 16, y2);
        var nextBanked = await banked.TestThenTrainAsync(x2, 16, y2);
        Assert.Equal(next.Predicted, nextBanked.Predicted);
        for (int i = 0; i < next.Probabilities.Length; i++) Assert.True(Math.Abs(next.Probabilities[i] - nextBanked.Probabilities[i]) < 1e-5, $"probability {i}");
        Assert.Equal(16, nextBanked.Labeled);
        Assert.Equal(16, banked.Counters.EventsSeen);
    }

    [Fact]
    public async Task Queued_steps_coalesce_into_one_bank_step_per_round_in_order_per_learner()
    {
        const int learners = 6, stepsEach = 3;
        await using var scheduler = new BankScheduler(initialCapacity: 4);
        var banked = new List<BankedLearner>();
        for (int i = 0; i < learners; i++) banked.Add(await scheduler.AddAsync(Spec(30 + i)));
        var references = Enumerable.Range(0, learners).Select(i => new OnlineLearner(Spec(30 + i))).ToArray();
        try
        {
            var stream = new SyntheticStream(BankScenario.Features, BankScenario.Classes, seed: 8);
            var inputs = Enumerable.Range(0, learners * stepsEach).Select(_ => stream.Next(10)).ToArray();
            long bankSteps = scheduler.BankSteps;

            var (gate, held) = Hold(scheduler);
            // Queued while the worker is held: learner i's steps k = 0, 1, 2 interleaved with the others', plus a
            // snapshot after learner 0's second step.
            var tasks = new Task<PrequentialResult>[learners, stepsEach];
            Task<byte[]>? snapshot = null;
            for (int k = 0; k < stepsEach; k++)
                for (int i = 0; i < learners; i++)
                {
                    var (x, y) = inputs[k * learners + i];
                    tasks[i, k] = banked[i].TestThenTrainAsync(x, 10, y);
                    if (i == 0 && k == 1) snapshot = banked[0].SnapshotAsync();
                }
            gate.Set();
            await held;
            await Task.WhenAll(tasks.Cast<Task>());

            Assert.Equal(stepsEach, scheduler.BankSteps - bankSteps); // one bank step per round, all learners in each
            for (int i = 0; i < learners; i++)
                for (int k = 0; k < stepsEach; k++)
                {
                    var (x, y) = inputs[k * learners + i];
                    var expected = references[i].TestThenTrain(x, 10, y); // the same order, one learner each
                    var actual = await tasks[i, k];
                    Assert.Equal(k + 1, actual.Version);
                    Assert.Equal(expected.Predicted, actual.Predicted);
                    Assert.True(Math.Abs(expected.Loss - actual.Loss) < 1e-4, $"learner {i} step {k}: loss {actual.Loss} vs {expected.Loss}");
                    if (i == 0 && k == 1)
                    {
                        // The snapshot queued after step 2 saw exactly two steps.
                        using var restored = OnlineLearner.Restore(await snapshot!, "cpu");
                        Assert.Equal(2, restored.Version);
                    }
                }
            Assert.Equal(references[3].Counters, banked[3].Counters);
        }
        finally
        {
            foreach (var r in references) r.Dispose();
        }
    }

    [Fact]
    public async Task Students_of_other_shapes_get_their_own_bank_and_unsupported_specs_are_refused()
    {
        await using var scheduler = new BankScheduler();
        var a = await scheduler.AddAsync(Spec(1));
        var b = await scheduler.AddAsync(Spec(2));
        var wide = await scheduler.AddAsync(Spec(3) with { HiddenLayers = [32] });
        Assert.Equal(2, scheduler.BankCount);
        await Assert.ThrowsAsync<NotSupportedException>(() => scheduler.AddAsync(Spec(4) with { LaggedLabels = true }));

        var x = new float[5 * BankScenario.Features];
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => a.TestThenTrainAsync(x, 5, new[] { 0, 1 }));
        Assert.Equal("Labels", bad.ParamName);
        var results = await Task.WhenAll(a.TestThenTrainAsync(x, 5, new[] { 0, 1, 2, 0, 1 }), b.TestThenTrainAsync(x, 5, new[] { 0, 1, 2, 0, 1 }),
            wide.TestThenTrainAsync(x, 5, new[] { 0, 1, 2, 0, 1 }));
        Assert.All(results, r => Assert.Equal(1, r.Version));

        // Release: the slot goes away, later calls fail, a new student reuses the slot fresh; restore from bytes works.
        var bytes = await b.SnapshotAsync();
        await b.DisposeAsync();
        Assert.False(b.Live);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => b.TestThenTrainAsync(x, 5, new[] { 0, 1, 2, 0, 1 }));
        var again = await scheduler.RestoreAsync(bytes, "cpu");
        Assert.Equal(1, again.Version);
        Assert.Equal(bytes, await again.SnapshotAsync());
        // Device strings are kept per student as OnlineLearner keeps them; the bank is chosen by the resolved device.
        var auto = await scheduler.AddAsync(Spec(5) with { Device = "auto" });
        Assert.Equal(TorchSharp.torch.cuda.is_available() ? 3 : 2, scheduler.BankCount); // "auto" is "cpu" without CUDA
        using (var learner = new OnlineLearner(Spec(5) with { Device = "auto" })) Assert.Equal(learner.Snapshot(), await auto.SnapshotAsync());
        var restoredAuto = await scheduler.RestoreAsync(bytes, "auto");
        using (var learner = OnlineLearner.Restore(bytes, "auto")) Assert.Equal(learner.Snapshot(), await restoredAuto.SnapshotAsync());
    }

    [Fact]
    public async Task A_failing_bank_step_fails_only_its_rounds_tasks_with_the_exception()
    {
        await using var scheduler = new BankScheduler();
        var a = await scheduler.AddAsync(Spec(1));
        var b = await scheduler.AddAsync(Spec(2));
        var other = await scheduler.AddAsync(Spec(3) with { HiddenLayers = [8] });
        var x = new float[4 * BankScenario.Features];
        int[] y = [0, 1, 2, 0];

        var (gate, held) = Hold(scheduler);
        var revocable = new RevocableMemory(x);
        var ta = a.TestThenTrainAsync(revocable.Memory, 4, y); // accepted: the input is fine when queued
        var tb = b.TestThenTrainAsync(x, 4, y);
        var to = other.TestThenTrainAsync(x, 4, y);
        revocable.Revoke(); // the caller's buffer goes away before the round: the bank step throws
        gate.Set();
        await held;
        var ea = await Assert.ThrowsAsync<ObjectDisposedException>(() => ta);
        var eb = await Assert.ThrowsAsync<ObjectDisposedException>(() => tb);
        Assert.Same(ea, eb); // the round's one exception
        Assert.Equal(nameof(RevocableMemory), ea.ObjectName);
        Assert.Equal(0, b.Version); // the failed step changed nothing
        Assert.Equal(1, (await to).Version); // the other bank's step in the same round went through
        Assert.Equal(2, (await other.TestThenTrainAsync(x, 4, y)).Version); // and the worker goes on
    }

    [Fact]
    public async Task Disposal_fails_pending_calls_with_ObjectDisposedException()
    {
        var scheduler = new BankScheduler();
        var a = await scheduler.AddAsync(Spec(1));
        var x = new float[4 * BankScenario.Features];
        int[] y = [0, 1, 2, 0];
        var (gate, held) = Hold(scheduler);
        var step = a.TestThenTrainAsync(x, 4, y);
        var snapshot = a.SnapshotAsync();
        var disposing = Task.Run(scheduler.Dispose); // waits for the worker's current round (the hold)
        // Released only once the scheduler is marked disposed (a call made then fails at once; one made before is
        // queued and failed by the disposal too): a fixed delay let a loaded machine run the round first.
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!scheduler.RunAsync(null, () => true).IsFaulted && DateTime.UtcNow < until) await Task.Delay(10);
        gate.Set();
        await held;
        await disposing;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => step);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => snapshot);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => a.TestThenTrainAsync(x, 4, y));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => scheduler.AddAsync(Spec(2)));
        Assert.False(a.Live);
        await a.DisposeAsync(); // releasing after the scheduler is gone is a no-op, as on a late deactivation
    }
}
