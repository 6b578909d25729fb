using System.Diagnostics;
using StreamLabel.Grains;
using StreamLabel.Grains.Student;
using StreamLabel.Learning;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// The ceiling of learning: the learning core alone on the same events, per key in produce order, in micro-batches of
/// the same size the students use, with full regularization (smoothing, self-correction, drift detector, and a
/// distillation batch of Student:DistillationRowsPerStep rows with fixed soft targets), keys spread over one thread per core.
/// </summary>
public static class BareLearnerBaseline
{
    /// <summary>Events per second and process CPU microseconds per event of the measured pass.</summary>
    public static (double EventsPerSecond, double CpuMicrosPerEvent) EventsPerSecond(SyntheticStream stream, ModelSpec spec, int batch, int distillRows, int threads, bool warmUp)
    {
        // A full warm-up pass on throwaway learners (native load, tiered JIT of the step), as a long-running silo is warm.
        if (warmUp) Run(stream, spec, batch, distillRows, threads);
        double cpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        double rate = Run(stream, spec, batch, distillRows, threads);
        return (rate, (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu0) * 1e6 / stream.Count);
    }

    /// <summary>Soft targets for the replayed rows: the first rows of the stream with a confident teacher (null for 0 rows).</summary>
    internal static DistillationBatch? Distillation(SyntheticStream stream, ModelSpec spec, int distillRows)
    {
        int f = stream.FeatureCount, k = spec.Classes.Count;
        var distillFeatures = stream.Features.AsSpan(0, distillRows * f).ToArray();
        var teacher = new float[distillRows * k];
        for (int r = 0; r < distillRows; r++) { teacher[r * k + stream.Labels[r]] = 0.9f; teacher[r * k + 1 - stream.Labels[r]] = 0.1f; }
        return distillRows > 0 ? new DistillationBatch(distillFeatures, distillRows, teacher) : null;
    }

    private static double Run(SyntheticStream stream, ModelSpec spec, int batch, int distillRows, int threads)
    {
        var byKey = stream.ByKey();
        int f = stream.FeatureCount;
        var learners = stream.KeyNames.Select(key => new OnlineLearner(LearnerSpecs.ForStudent(spec, key))).ToArray();
        var distill = Distillation(stream, spec, distillRows);
        try
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                if (BenchTorch.Threads > 0) TorchSharp.torch.set_num_threads(BenchTorch.Threads);
                for (int key = t; key < byKey.Length; key += threads)
                {
                    var rows = byKey[key];
                    var features = new float[batch * f];
                    var labels = new int[batch];
                    for (int start = 0; start < rows.Length; start += batch)
                    {
                        int n = stream.NextBatch(rows, start, batch, features, labels);
                        learners[key].TestThenTrain(features.AsSpan(0, n * f), n, labels.AsSpan(0, n), distill);
                    }
                }
            });
            return stream.Count / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var l in learners) l.Dispose();
        }
    }
}

/// <summary>The process-wide TorchSharp thread setting the run uses (0 = TorchSharp's default).</summary>
public static class BenchTorch
{
    public static int Threads { get; set; }
}
