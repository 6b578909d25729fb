using System.Diagnostics;
using StreamLabel.Datasets;
using StreamLabel.Learning;
using StreamLabel.Learning.Teacher;
using StreamLabel.Specs;

namespace StreamLabel.Bench.Quality;

/// <summary>One variant over the whole stream, in micro-batches, test-then-train, scored against the truth.</summary>
public static class QualityRun
{
    /// <summary>The student spec of a variant (all share model, optimizer and seed; only the regularizers differ).</summary>
    public static LearnerSpec StudentSpec(string variant, int features, int classes, QualityOptions o)
    {
        var defaults = new LearnerSpec();
        var selfCorrection = new SelfCorrectionOptions
        {
            MinWeight = o.MinWeight ?? defaults.SelfCorrection.MinWeight,
            LossScale = o.LossScale ?? defaults.SelfCorrection.LossScale,
            MaturityEvents = o.Maturity ?? defaults.SelfCorrection.MaturityEvents,
        };
        double smoothing = o.Smoothing ?? defaults.Smoothing;
        double boost = o.DriftBoost ?? defaults.DriftBoost;
        int challenger = o.Challenger ?? 0;
        var baseline = new LearnerSpec
        {
            FeatureCount = features, ClassCount = classes, HiddenLayers = o.Hidden ?? [32], Optimizer = OptimizerKind.Adam,
            LearningRate = o.LearningRate ?? defaults.LearningRate, Smoothing = 0,
            SelfCorrection = selfCorrection with { Enabled = false }, DriftBoost = 1, DriftDetector = o.Detector is { } detector ? SpecNames.Parse<DriftDetectorKind>(detector, "--detector") : defaults.DriftDetector,
            DistillationWeight = o.Alpha ?? defaults.DistillationWeight,
            // The ensemble teacher's targets are clean-class probabilities already: softening them would only blur them.
            Temperature = o.Temperature ?? (o.Teacher == "ensemble" ? 1 : defaults.Temperature),
            Seed = o.Seed, Device = "cpu", LaggedLabels = o.LaggedLabels,
        };
        return (variant switch
        {
            "ce" or "distill" => baseline,
            "smoothing" => baseline with { Smoothing = smoothing },
            "selfcorrect" => baseline with { SelfCorrection = selfCorrection, DriftBoost = boost, DriftChallengerEvents = challenger },
            "full" or "clean" or "tuned" => baseline with { Smoothing = smoothing, SelfCorrection = selfCorrection, DriftBoost = boost, DriftChallengerEvents = challenger },
            _ => throw new ArgumentException($"unknown variant '{variant}'", nameof(variant)),
        }).Validate();
    }

    /// <summary>The ensemble teacher's options: its defaults, overridden by the --teacher-* options.</summary>
    public static TeacherOptions TeacherOptionsFor(QualityOptions o)
    {
        var d = new TeacherOptions();
        return new TeacherOptions
        {
            Members = o.TeacherMembers ?? d.Members, WindowRows = o.TeacherWindow ?? d.WindowRows, StepsPerBatch = o.TeacherSteps ?? d.StepsPerBatch,
            ReplayRows = o.TeacherRows ?? d.ReplayRows, LearningRate = o.TeacherLearningRate ?? d.LearningRate, HiddenLayers = o.TeacherHidden ?? d.HiddenLayers,
            KeepOnDrift = o.TeacherKeep ?? d.KeepOnDrift, DistillWindowRows = o.TeacherDistillRows ?? d.DistillWindowRows,
            SpreadWindows = o.TeacherSpread ?? d.SpreadWindows, SelectionSharpness = o.TeacherSelection ?? d.SelectionSharpness, NoiseEstimateEvery = o.TeacherNoiseEvery ?? d.NoiseEstimateEvery, Seed = o.Seed + 7919,
        }.Validate();
    }

    /// <summary>
    /// --teacher-rehearse N: N extra student steps per batch on window rows labeled by the teacher, once the gate is at
    /// least 0.5 (a one-pass student takes one step per batch, too few to absorb what the teacher knows).
    /// </summary>
    public static void Rehearse(OnlineLearner student, EnsembleTeacher teacher, double weight, int rows, int steps)
    {
        if (student.Spec.LaggedLabels || weight < 0.5) return;
        for (int i = 0; i < steps; i++)
            if (teacher.PseudoLabeled(rows) is { } p) student.Learn(p.Features, rows, p.Labels);
    }

    /// <summary>Copies the batch of rows from <paramref name="start"/> (features and training labels) into x and y; returns its row count.</summary>
    internal static int NextBatch(LabeledDataset data, int[] labels, int start, int batch, float[] x, int[] y)
    {
        int rows = Math.Min(batch, data.Count - start), f = data.FeatureCount;
        for (int r = 0; r < rows; r++)
        {
            data.Features[start + r].CopyTo(x, r * f);
            y[r] = labels[start + r];
        }
        return rows;
    }

    public static bool UsesTeacher(string variant) => variant is "distill" or "full" or "clean" or "tuned";

    public static VariantScore Run(string variant, NoisyStream stream, QualityOptions options)
    {
        if (variant == "tuned") return TunedRun.Run(stream, options);
        var data = stream.Data;
        int f = data.FeatureCount, k = data.ClassCount, n = data.Count;
        var labels = variant == "clean" ? stream.Truth : stream.TrainingLabels;
        var spec = StudentSpec(variant, f, k, options);
        int batch = options.Batch;
        bool ensemble = UsesTeacher(variant) && options.Teacher == "ensemble";
        using var student = new OnlineLearner(spec);
        using var replay = UsesTeacher(variant) && !ensemble ? new ReplayTeacher(ReplayTeacher.DefaultSpecFor(spec)) : null;
        using var teacher = ensemble ? new EnsembleTeacher(spec, TeacherOptionsFor(options)) : null;
        var advantage = new TeacherAdvantage();

        var hits = new bool[n];
        long teacherHits = 0, memberHits = 0;
        double weightSum = 0;
        int batches = 0;
        var x = new float[batch * f];
        var y = new int[batch];
        int? detectionDelay = null;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < n; start += batch)
        {
            int rows = NextBatch(data, labels, start, batch, x, y);
            var xs = x.AsSpan(0, rows * f);
            var ys = y.AsSpan(0, rows);
            PrequentialResult result;
            if (teacher is not null)
            {
                // The teacher predicts the batch, then learns it; the student is taught on the same fresh rows.
                var t = teacher.TestThenTrain(xs, rows, ys);
                double w = options.TeacherGate == "always" ? 1 : advantage.Weight;
                weightSum += w; batches++;
                result = student.TestThenTrain(xs, rows, ys, FreshDistillation.For(student, xs, rows, ys, t.CleanProbabilities, w, w > 0 ? teacher.SampleWindow(teacher.Options.DistillWindowRows) : null));
                advantage.Add(t.Predicted, result.Predicted, ys);
                Rehearse(student, teacher, w, rows, options.TeacherRehearse);
                for (int r = 0; r < rows; r++)
                {
                    if (t.Predicted[r] == stream.Truth[start + r]) teacherHits++;
                    foreach (var m in t.MemberPredicted) if (m[r] == stream.Truth[start + r]) memberHits++;
                }
            }
            else
            {
                // The student predicts and learns first, from the teacher's view of past (buffered) events.
                result = student.TestThenTrain(xs, rows, ys, replay?.SampleDistillationBatch(rows, spec.Temperature));
                if (replay is not null)
                {
                    var t = replay.Learn(xs, rows, ys); // predicted before the teacher learned the batch
                    for (int r = 0; r < rows; r++) if (t.Predicted[r] == stream.Truth[start + r]) teacherHits++;
                }
            }
            for (int r = 0; r < rows; r++) hits[start + r] = result.Predicted[r] == stream.Truth[start + r];
            if (result.DriftDetected && detectionDelay is null && stream.DriftIndex is int d && start + rows > d)
                detectionDelay = start + rows - d;
        }
        clock.Stop();
        var c = student.Counters;
        return VariantScore.From(hits, stream.DriftIndex, clock.Elapsed.TotalSeconds, c.DriftsDetected, c.LabelsCorrected, c.SamplesDownWeighted, detectionDelay) with
        {
            ChallengersAdopted = student.ChallengersAdopted,
            TeacherAccuracy = UsesTeacher(variant) ? (double)teacherHits / n : null,
            TeacherMemberAccuracy = teacher is null ? null : (double)memberHits / n / teacher.Options.Members,
            DistillationWeight = teacher is null ? null : batches == 0 ? 0 : weightSum / batches,
            TeacherDrifts = teacher?.DriftsDetected,
        };
    }
}
