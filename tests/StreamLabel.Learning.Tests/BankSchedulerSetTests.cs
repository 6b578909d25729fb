using StreamLabel.Learning.Bank;
using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// Several bank workers: a burst of new students spreads evenly (counted when asked for, not when a worker gets to
/// it), each student stays on its worker and learns exactly what its own learner would, and released students free
/// their worker's share.
/// </summary>
public sealed class BankSchedulerSetTests
{
    [Fact]
    public async Task A_burst_of_students_spreads_over_the_workers_and_each_learns_like_its_own_learner()
    {
        const int students = 9, steps = 12;
        await using var set = new BankSchedulerSet(workers: 3, initialCapacity: 2);
        // All asked for at once, before any worker ran one of them.
        var banked = await Task.WhenAll(Enumerable.Range(0, students).Select(i => set.AddAsync(BankScenario.Spec(50 + i))));
        Assert.Equal(new[] { 3, 3, 3 }, set.Schedulers.Select(s => s.Students));

        var references = Enumerable.Range(0, students).Select(i => new OnlineLearner(BankScenario.Spec(50 + i))).ToArray();
        try
        {
            var streams = Enumerable.Range(0, students).Select(i => new SyntheticStream(BankScenario.Features, BankScenario.Classes, seed: 200 + i)).ToArray();
            for (int k = 0; k < steps; k++)
            {
                var inputs = streams.Select(s => s.Next(16)).ToArray();
                var results = await Task.WhenAll(banked.Select((b, i) => b.TestThenTrainAsync(inputs[i].X, 16, inputs[i].Y)));
                for (int i = 0; i < students; i++)
                {
                    var expected = references[i].TestThenTrain(inputs[i].X, 16, inputs[i].Y);
                    Assert.Equal(expected.Predicted, results[i].Predicted);
                    Assert.True(Math.Abs(expected.Loss - results[i].Loss) < 1e-4, $"student {i} step {k}: loss {results[i].Loss} vs {expected.Loss}");
                }
            }
            Assert.Equal(students * steps, set.Steps);
            // Three workers, each stepping its own three students together: at least one bank step per worker and step.
            Assert.All(set.Schedulers, s => Assert.True(s.BankSteps >= steps, $"a worker took {s.BankSteps} bank steps"));
            Assert.True(set.BankSteps < students * steps, $"{set.BankSteps} bank steps: students on a worker did not step together");
            for (int i = 0; i < students; i++) Assert.Equal(references[i].Counters, banked[i].Counters);

            // Releasing the students of one worker makes it the least loaded: the next student goes there.
            var emptied = set.Schedulers[1];
            foreach (var b in banked.Where((_, i) => i % 3 == 1)) await b.DisposeAsync();
            Assert.Equal(new[] { 3, 0, 3 }, set.Schedulers.Select(s => s.Students));
            await using var next = await set.AddAsync(BankScenario.Spec(99));
            Assert.Equal(1, emptied.Students);
        }
        finally
        {
            foreach (var r in references) r.Dispose();
            foreach (var b in banked) await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task Students_asked_for_from_several_threads_at_once_spread_evenly()
    {
        const int workers = 3, rounds = 20;
        await using var set = new BankSchedulerSet(workers);
        var banked = new List<BankedLearner>();
        using var barrier = new Barrier(workers);
        for (int round = 0; round < rounds; round++)
        {
            // One add per thread, all released at once: choosing and counting must not interleave.
            var adds = Enumerable.Range(0, workers).Select(i => Task.Factory.StartNew(() =>
            {
                barrier.SignalAndWait();
                return set.AddAsync(BankScenario.Spec(300 + round * workers + i));
            }, TaskCreationOptions.LongRunning).Unwrap()).ToArray();
            banked.AddRange(await Task.WhenAll(adds));
            Assert.Equal(Enumerable.Repeat(round + 1, workers), set.Schedulers.Select(s => s.Students));
        }
        foreach (var b in banked) await b.DisposeAsync();
        Assert.Equal(new[] { 0, 0, 0 }, set.Schedulers.Select(s => s.Students));
    }

    [Fact]
    public void Worker_counts_are_checked_and_default_to_one_per_four_cores()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BankSchedulerSet(0));
        Assert.Equal(1, BankSchedulerSet.DefaultWorkers(1));
        Assert.Equal(1, BankSchedulerSet.DefaultWorkers(2));
        Assert.Equal(4, BankSchedulerSet.DefaultWorkers(16));
    }
}
