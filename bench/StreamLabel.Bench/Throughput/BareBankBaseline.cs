using System.Diagnostics;
using StreamLabel.Grains;
using StreamLabel.Grains.Student;
using StreamLabel.Learning;
using StreamLabel.Learning.Bank;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// The learning core as a model bank: the same events, keys and micro-batches as <see cref="BareLearnerBaseline"/>
/// (full regularization and the same distillation rows), but every key is a slot of one <see cref="ModelBank"/> and
/// each round's steps of all keys are one bank step, on one thread. Optionally through a <see cref="BankScheduler"/>,
/// with one awaited task per key and step, as grains would use it.
/// </summary>
public static class BareBankBaseline
{
    /// <summary>Events per second and process CPU microseconds per event of the measured pass.</summary>
    public static (double EventsPerSecond, double CpuMicrosPerEvent) EventsPerSecond(SyntheticStream stream, ModelSpec spec, int batch, int distillRows,
        bool warmUp, bool scheduler = false)
    {
        if (warmUp) Run(stream, spec, batch, distillRows, scheduler);
        double cpu0 = ThroughputCommand.CpuSeconds();
        double rate = Run(stream, spec, batch, distillRows, scheduler);
        return (rate, (ThroughputCommand.CpuSeconds() - cpu0) * 1e6 / stream.Count);
    }

    private static double Run(SyntheticStream stream, ModelSpec spec, int batch, int distillRows, bool scheduler)
    {
        var byKey = stream.ByKey();
        int f = stream.FeatureCount, keys = byKey.Length;
        var specs = stream.KeyNames.Select(key => LearnerSpecs.ForStudent(spec, key)).ToArray();
        var distill = BareLearnerBaseline.Distillation(stream, spec, distillRows);
        var features = Enumerable.Range(0, keys).Select(_ => new float[batch * f]).ToArray();
        var labels = Enumerable.Range(0, keys).Select(_ => new int[batch]).ToArray();
        int rounds = byKey.Max(rows => (rows.Length + batch - 1) / batch);

        // Round j: the j-th micro-batch of every key that still has one (the keys' steps a silo would have ready at once).
        int Fill(int key, int round)
        {
            var rows = byKey[key];
            int start = round * batch, n = Math.Min(batch, rows.Length - start);
            for (int r = 0; r < n; r++)
            {
                stream.Row(rows[start + r]).CopyTo(features[key].AsSpan(r * f, f));
                labels[key][r] = stream.Labels[rows[start + r]];
            }
            return n;
        }

        if (scheduler) return RunScheduled(specs, rounds, keys, Fill, features, labels, f, distill, stream.Count);
        using var bank = new ModelBank(specs[0], initialCapacity: keys);
        var slots = specs.Select(bank.Add).ToArray();
        var steps = new List<BankStep>(keys);
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
        {
            steps.Clear();
            for (int key = 0; key < keys; key++)
            {
                if (round * batch >= byKey[key].Length) continue;
                int n = Fill(key, round);
                steps.Add(new BankStep(slots[key], features[key].AsMemory(0, n * f), n, labels[key].AsMemory(0, n), distill));
            }
            bank.TestThenTrain(steps);
        }
        return stream.Count / clock.Elapsed.TotalSeconds;
    }

    private static double RunScheduled(LearnerSpec[] specs, int rounds, int keys, Func<int, int, int> fill, float[][] features, int[][] labels,
        int f, DistillationBatch? distill, int events)
    {
        using var scheduler = new BankScheduler(initialCapacity: keys);
        var learners = specs.Select(s => scheduler.AddAsync(s).GetAwaiter().GetResult()).ToArray();
        var tasks = new List<Task<PrequentialResult>>(keys);
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
        {
            tasks.Clear();
            for (int key = 0; key < keys; key++)
            {
                int n = fill(key, round);
                if (n <= 0) continue;
                tasks.Add(learners[key].TestThenTrainAsync(features[key].AsMemory(0, n * f), n, labels[key].AsMemory(0, n), distill));
            }
            // Each key awaits its own step before filling its buffer again, as a grain would.
            Task.WhenAll(tasks).GetAwaiter().GetResult();
        }
        double rate = events / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"    scheduler: {scheduler.Steps:N0} student steps in {scheduler.BankSteps:N0} bank steps ({scheduler.Steps / (double)Math.Max(1, scheduler.BankSteps):F1} per bank step)");
        return rate;
    }
}
