using System.Diagnostics;
using StreamLabel.Bench.Throughput;
using StreamLabel.Grains;
using StreamLabel.Grains.Student;
using StreamLabel.Learning;
using StreamLabel.Learning.Bank;

namespace StreamLabel.Bench.Bank;

/// <summary>
/// The bank through a <see cref="BankSchedulerSet"/> of W workers (the silo's Student:BankWorkers), each key its own
/// loop that awaits its step before sending the next, as a student grain does: no round barrier across keys, so the
/// workers take whatever is waiting. Learning-bound load (nothing else to do), to see whether more workers give more
/// events per second and what they do to the students per bank step.
/// </summary>
public static class WorkerScaling
{
    /// <summary>Events per second, process CPU µs per event and student steps per bank step of the measured pass.</summary>
    public static (double Rate, double Cpu, double PerBankStep) Measure(SyntheticStream stream, ModelSpec spec, int batch, int distillRows, int workers, bool warmUp)
    {
        if (warmUp) Run(stream, spec, batch, distillRows, workers);
        double cpu0 = ThroughputCommand.CpuSeconds();
        var (rate, perBankStep) = Run(stream, spec, batch, distillRows, workers);
        return (rate, (ThroughputCommand.CpuSeconds() - cpu0) * 1e6 / stream.Count, perBankStep);
    }

    private static (double Rate, double PerBankStep) Run(SyntheticStream stream, ModelSpec spec, int batch, int distillRows, int workers)
    {
        var byKey = stream.ByKey();
        int f = stream.FeatureCount;
        var distill = BareLearnerBaseline.Distillation(stream, spec, distillRows);
        using var set = new BankSchedulerSet(workers, initialCapacity: byKey.Length);
        var learners = stream.KeyNames.Select(key => set.AddAsync(LearnerSpecs.ForStudent(spec, key)).GetAwaiter().GetResult()).ToArray();

        async Task Key(int key)
        {
            var rows = byKey[key];
            var features = new float[batch * f];
            var labels = new int[batch];
            for (int start = 0; start < rows.Length; start += batch)
            {
                int n = Math.Min(batch, rows.Length - start);
                for (int r = 0; r < n; r++)
                {
                    stream.Row(rows[start + r]).CopyTo(features.AsSpan(r * f, f));
                    labels[r] = stream.Labels[rows[start + r]];
                }
                await learners[key].TestThenTrainAsync(features.AsMemory(0, n * f), n, labels.AsMemory(0, n), distill);
            }
        }

        var clock = Stopwatch.StartNew();
        Task.WhenAll(Enumerable.Range(0, byKey.Length).Select(k => Task.Run(() => Key(k)))).GetAwaiter().GetResult();
        double rate = stream.Count / clock.Elapsed.TotalSeconds;
        return (rate, set.Steps / (double)Math.Max(1, set.BankSteps));
    }
}
