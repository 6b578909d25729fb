using System.Diagnostics;
using StreamLabel.Datasets;
using StreamLabel.Learning;
using StreamLabel.Learning.Teacher;
using StreamLabel.Learning.Tuning;

namespace StreamLabel.Bench.Quality;

/// <summary>
/// The `tuned` variant: the `full` spec under a <see cref="TunedLearner"/> with the default arms, taught by the same
/// teacher as `full`. Its accuracy is the served arm's; every arm's own accuracy (each arm is exactly a fixed learner
/// with its settings) comes from the same run, so "best fixed arm" needs no separate runs.
/// </summary>
public static class TunedRun
{
    public static VariantScore Run(NoisyStream stream, QualityOptions options)
    {
        var data = stream.Data;
        int f = data.FeatureCount, n = data.Count, batch = options.Batch;
        var labels = stream.TrainingLabels;
        var spec = QualityRun.StudentSpec("tuned", f, data.ClassCount, options);
        var d = new TuningOptions();
        var tuning = new TuningOptions
        {
            HalfLifeEvents = options.TuningHalfLife ?? d.HalfLifeEvents, SwitchScore = options.TuningScore ?? d.SwitchScore,
            MinEvidence = options.TuningEvidence ?? d.MinEvidence, WarmupEvents = options.TuningWarmup ?? d.WarmupEvents,
            LiveArms = options.TuningLiveArms ?? d.LiveArms, Arms = options.TuningArms is { } names ? TuningArms.Named(names) : d.Arms,
        }.Validate();
        using var tuned = new TunedLearner(spec, tuning);
        bool ensemble = options.Teacher == "ensemble";
        using var teacher = ensemble ? new EnsembleTeacher(spec, QualityRun.TeacherOptionsFor(options)) : null;
        using var replay = ensemble ? null : new ReplayTeacher(ReplayTeacher.DefaultSpecFor(spec));
        var advantage = new TeacherAdvantage();
        int arms = tuning.Arms.Count;

        var hits = new bool[n];
        var armHits = new long[arms];
        long teacherHits = 0, switchesAfterWarmup = 0;
        var x = new float[batch * f];
        var y = new int[batch];
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < n; start += batch)
        {
            int rows = QualityRun.NextBatch(data, labels, start, batch, x, y);
            var xs = x.AsMemory(0, rows * f);
            var ys = y.AsMemory(0, rows);
            TunedResult result;
            if (teacher is not null)
            {
                var t = teacher.TestThenTrain(xs.Span, rows, ys.Span);
                double w = options.TeacherGate == "always" ? 1 : advantage.Weight;
                var window = w > 0 ? teacher.SampleWindow(teacher.Options.DistillWindowRows) : null;
                result = tuned.TestThenTrain(xs, rows, ys, arm => FreshDistillation.For(tuned.ArmSpecs[arm], xs.Span, rows, t.CleanProbabilities, w, window,
                    (inputs, count) => tuned.PredictProbabilities(arm, inputs, count)));
                advantage.Add(t.Predicted, result.Served.Predicted, ys.Span);
                for (int r = 0; r < rows; r++) if (t.Predicted[r] == stream.Truth[start + r]) teacherHits++;
            }
            else
            {
                var distill = replay!.SampleDistillationBatch(rows, spec.Temperature);
                result = tuned.TestThenTrain(xs, rows, ys, _ => distill);
                var t = replay.Learn(xs.Span, rows, ys.Span);
                for (int r = 0; r < rows; r++) if (t.Predicted[r] == stream.Truth[start + r]) teacherHits++;
            }
            for (int r = 0; r < rows; r++) hits[start + r] = result.Served.Predicted[r] == stream.Truth[start + r];
            for (int a = 0; a < arms; a++)
                if (result.Arms[a] is { } armResult)
                    for (int r = 0; r < rows; r++) if (armResult.Predicted[r] == stream.Truth[start + r]) armHits[a]++;
            if (result.SwitchedTo is not null && start >= 2000) switchesAfterWarmup++;
        }
        clock.Stop();
        var c = tuned.ServedSlot.Counters;
        var armAccuracy = new Dictionary<string, double>();
        for (int a = 0; a < arms; a++) armAccuracy[tuning.Arms[a].Name] = (double)armHits[a] / n;
        return VariantScore.From(hits, stream.DriftIndex, clock.Elapsed.TotalSeconds, c.DriftsDetected, c.LabelsCorrected, c.SamplesDownWeighted) with
        {
            TeacherAccuracy = (double)teacherHits / n,
            ArmAccuracy = armAccuracy,
            ServedSwitches = tuned.Policy.Switches,
            // Changes of the served arm per 2,000 events after the first 2,000 (target: at most 1 on stationary streams).
            SwitchesPer2000 = n > 2000 ? switchesAfterWarmup * 2000.0 / (n - 2000) : 0,
            FinalArm = tuning.Arms[tuned.Served].Name,
        };
    }
}
