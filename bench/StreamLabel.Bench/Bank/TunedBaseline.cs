using System.Diagnostics;
using StreamLabel.Bench.Throughput;
using StreamLabel.Grains;
using StreamLabel.Grains.Student;
using StreamLabel.Learning;
using StreamLabel.Learning.Tuning;

namespace StreamLabel.Bench.Bank;

/// <summary>
/// The per-learner baseline of the `bank` bench with tuning on: one <see cref="TunedLearner"/> per key (its arms in
/// one bank, one batched step per key and batch) on one thread, the same events, batches and distillation rows.
/// </summary>
public static class TunedBaseline
{
    /// <summary>Events per second and process CPU microseconds per event of the measured pass.</summary>
    public static (double EventsPerSecond, double CpuMicrosPerEvent) EventsPerSecond(SyntheticStream stream, ModelSpec spec, int batch, int distillRows, bool warmUp)
    {
        if (warmUp) Run(stream, spec, batch, distillRows);
        double cpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        double rate = Run(stream, spec, batch, distillRows);
        return (rate, (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0) * 1e6 / stream.Count);
    }

    private static double Run(SyntheticStream stream, ModelSpec spec, int batch, int distillRows)
    {
        var byKey = stream.ByKey();
        int f = stream.FeatureCount;
        var learners = stream.KeyNames.Select(key => new TunedLearner(LearnerSpecs.ForStudent(spec, key))).ToArray();
        var distill = BareLearnerBaseline.Distillation(stream, spec, distillRows);
        try
        {
            var clock = Stopwatch.StartNew();
            for (int key = 0; key < byKey.Length; key++)
            {
                var rows = byKey[key];
                var features = new float[batch * f];
                var labels = new int[batch];
                for (int start = 0; start < rows.Length; start += batch)
                {
                    int n = stream.NextBatch(rows, start, batch, features, labels);
                    learners[key].TestThenTrain(features.AsMemory(0, n * f), n, labels.AsMemory(0, n), _ => distill);
                }
            }
            return stream.Count / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var l in learners) l.Dispose();
        }
    }
}
