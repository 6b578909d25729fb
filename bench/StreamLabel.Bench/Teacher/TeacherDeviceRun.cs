using System.Diagnostics;
using StreamLabel.Datasets;
using StreamLabel.Grains;
using StreamLabel.Grains.Teacher;
using StreamLabel.Learning;
using StreamLabel.Learning.Teacher;

namespace StreamLabel.Bench.Teacher;

/// <summary>
/// One teacher (the teacher grain's, ensemble or replay, with its default spec) on one device over a noisy stream:
/// test-then-train in micro-batches, a soft-target pull every few batches (the ensemble answers a pull by predicting
/// the forwarded rows, as the grain does; the replay teacher samples its buffer), and a probe of soft targets after the
/// first step and at the end, so two devices' runs can be compared value by value.
/// </summary>
public sealed record TeacherDeviceRun(
    string Requested,
    string Used,
    int Events,
    double LearnSeconds,
    double PullSeconds,
    int Pulls,
    double Accuracy,
    int[] Predicted,
    float[] FirstStepProbe,
    float[] FinalProbe)
{
    public double EventsPerSecond => Events / LearnSeconds;
    public double PullsPerSecond => Pulls / PullSeconds;

    public static TeacherDeviceRun Measure(NoisyStream stream, LearnerSpec spec, TeacherDeviceSettings s, string device)
    {
        var data = stream.Data;
        int f = data.FeatureCount;
        if (s.Teacher == "ensemble")
        {
            using var ensemble = EnsembleTeacherFor(data, s, device);
            return Measure(stream, s, device, ensemble.Device,
                (x, rows, y) => ensemble.TestThenTrain(x, rows, y).Predicted,
                rows => ensemble.PredictProbabilities(rows, rows.Length / f),
                // A pull's rows are the student's newest events: here the last PullRows rows of the stream so far.
                end =>
                {
                    int from = Math.Max(0, end - s.PullRows);
                    _ = ensemble.PredictProbabilities(Rows(data, from, end - from), end - from);
                });
        }
        using var replay = new ReplayTeacher(spec with { Device = device }, s.ReplayBufferRows, s.ReplayBatches);
        return Measure(stream, s, device, replay.Learner.Device,
            (x, rows, y) => replay.Learn(x, rows, y).Predicted,
            rows => replay.SoftTargets(rows, rows.Length / f, spec.Temperature),
            _ => replay.SampleDistillationBatch(s.PullRows, spec.Temperature));
    }

    private delegate int[] LearnBatch(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels);

    // Test-then-train in batches of s.Batch, a pull (given the stream position) every s.PullEveryBatches steps, probes
    // after the first step and at the end; only the learning and the pulls are timed.
    private static TeacherDeviceRun Measure(NoisyStream stream, TeacherDeviceSettings s, string device, string used,
        LearnBatch learnBatch, Func<float[], float[]> probeOf, Action<int> pullAt)
    {
        var data = stream.Data;
        int f = data.FeatureCount, n = Math.Min(s.Events, data.Count);
        var probe = Rows(data, 0, Math.Min(s.ProbeRows, n));
        var predicted = new int[n];
        var features = new float[s.Batch * f];
        var labels = new int[s.Batch];
        float[] firstProbe = [];
        long correct = 0;
        int pulls = 0, batchIndex = 0;
        var learn = new Stopwatch();
        var pull = new Stopwatch();
        for (int start = 0; start < n; start += s.Batch, batchIndex++)
        {
            int rows = Math.Min(s.Batch, n - start);
            for (int r = 0; r < rows; r++)
            {
                data.Features[start + r].CopyTo(features, r * f);
                labels[r] = stream.TrainingLabels[start + r];
            }
            learn.Start();
            var result = learnBatch(features.AsSpan(0, rows * f), rows, labels.AsSpan(0, rows));
            learn.Stop();
            for (int r = 0; r < rows; r++)
            {
                predicted[start + r] = result[r];
                if (result[r] == stream.Truth[start + r]) correct++;
            }
            if (batchIndex == 0) firstProbe = probeOf(probe);
            if ((batchIndex + 1) % s.PullEveryBatches == 0)
            {
                pull.Start();
                pullAt(start + rows);
                pull.Stop();
                pulls++;
            }
        }
        return new TeacherDeviceRun(device, used, n, learn.Elapsed.TotalSeconds, pull.Elapsed.TotalSeconds,
            pulls, (double)correct / n, predicted, firstProbe, probeOf(probe));
    }

    /// <summary>The teacher grain's ensemble for a key group "default" of this stream's shape, on <paramref name="device"/>.</summary>
    private static EnsembleTeacher EnsembleTeacherFor(LabeledDataset data, TeacherDeviceSettings s, string device)
    {
        var model = new ModelSpec(data.FeatureCount, data.Classes.ToArray(), [32]);
        var options = new Grains.Teacher.TeacherOptions { Device = device, HiddenLayers = s.Hidden };
        return new EnsembleTeacher(TeacherGrain.MemberSource(model, "default", options), TeacherGrain.EnsembleOptions("default", options));
    }

    /// <summary>Largest absolute difference between two probes (NaN when their shapes differ).</summary>
    public static double MaxAbsDifference(float[] a, float[] b) =>
        a.Length != b.Length ? double.NaN : a.Zip(b, (x, y) => (double)Math.Abs(x - y)).DefaultIfEmpty(0).Max();

    /// <summary>Fraction of events where both runs predicted the same class (before learning from them).</summary>
    public static double Agreement(int[] a, int[] b) =>
        a.Length == 0 || a.Length != b.Length ? double.NaN : a.Zip(b).Count(p => p.First == p.Second) / (double)a.Length;

    private static float[] Rows(LabeledDataset data, int start, int count)
    {
        var rows = new float[count * data.FeatureCount];
        for (int r = 0; r < count; r++) data.Features[start + r].CopyTo(rows, r * data.FeatureCount);
        return rows;
    }
}
