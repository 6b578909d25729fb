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

    public static TeacherDeviceRun Measure(NoisyStream stream, LearnerSpec spec, TeacherDeviceSettings s, string device) =>
        s.Teacher == "ensemble" ? MeasureEnsemble(stream, s, device) : MeasureReplay(stream, spec, s, device);

    private static TeacherDeviceRun MeasureReplay(NoisyStream stream, LearnerSpec spec, TeacherDeviceSettings s, string device)
    {
        var data = stream.Data;
        int f = data.FeatureCount, n = Math.Min(s.Events, data.Count);
        var probe = Rows(data, 0, Math.Min(s.ProbeRows, n));
        using var teacher = new ReplayTeacher(spec with { Device = device }, s.ReplayBufferRows, s.ReplayBatches);
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
            var result = teacher.Learn(features.AsSpan(0, rows * f), rows, labels.AsSpan(0, rows));
            learn.Stop();
            for (int r = 0; r < rows; r++)
            {
                predicted[start + r] = result.Predicted[r];
                if (result.Predicted[r] == stream.Truth[start + r]) correct++;
            }
            if (batchIndex == 0) firstProbe = teacher.SoftTargets(probe, probe.Length / f, spec.Temperature);
            if ((batchIndex + 1) % s.PullEveryBatches == 0)
            {
                pull.Start();
                _ = teacher.SampleDistillationBatch(s.PullRows, spec.Temperature);
                pull.Stop();
                pulls++;
            }
        }
        var finalProbe = teacher.SoftTargets(probe, probe.Length / f, spec.Temperature);
        return new TeacherDeviceRun(device, teacher.Learner.Device, n, learn.Elapsed.TotalSeconds, pull.Elapsed.TotalSeconds,
            pulls, (double)correct / n, predicted, firstProbe, finalProbe);
    }

    private static TeacherDeviceRun MeasureEnsemble(NoisyStream stream, TeacherDeviceSettings s, string device)
    {
        var data = stream.Data;
        int f = data.FeatureCount, n = Math.Min(s.Events, data.Count);
        var probe = Rows(data, 0, Math.Min(s.ProbeRows, n));
        using var teacher = EnsembleTeacherFor(data, s, device);
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
            var result = teacher.TestThenTrain(features.AsSpan(0, rows * f), rows, labels.AsSpan(0, rows));
            learn.Stop();
            for (int r = 0; r < rows; r++)
            {
                predicted[start + r] = result.Predicted[r];
                if (result.Predicted[r] == stream.Truth[start + r]) correct++;
            }
            if (batchIndex == 0) firstProbe = teacher.PredictProbabilities(probe, probe.Length / f);
            if ((batchIndex + 1) % s.PullEveryBatches == 0)
            {
                // A pull's rows are the student's newest events: here the last PullRows rows of the stream so far.
                int pullStart = Math.Max(0, start + rows - s.PullRows), pullRows = start + rows - pullStart;
                var forwarded = Rows(data, pullStart, pullRows);
                pull.Start();
                _ = teacher.PredictProbabilities(forwarded, pullRows);
                pull.Stop();
                pulls++;
            }
        }
        var finalProbe = teacher.PredictProbabilities(probe, probe.Length / f);
        return new TeacherDeviceRun(device, teacher.Device, n, learn.Elapsed.TotalSeconds, pull.Elapsed.TotalSeconds,
            pulls, (double)correct / n, predicted, firstProbe, finalProbe);
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
