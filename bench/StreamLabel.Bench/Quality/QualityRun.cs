using System.Diagnostics;
using StreamLabel.Datasets;
using StreamLabel.Learning;
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
            DistillationWeight = o.Alpha ?? defaults.DistillationWeight, Temperature = o.Temperature ?? defaults.Temperature,
            Seed = o.Seed, Device = "cpu", LaggedLabels = o.LaggedLabels,
        };
        return (variant switch
        {
            "ce" or "distill" => baseline,
            "smoothing" => baseline with { Smoothing = smoothing },
            "selfcorrect" => baseline with { SelfCorrection = selfCorrection, DriftBoost = boost, DriftChallengerEvents = challenger },
            "full" or "clean" => baseline with { Smoothing = smoothing, SelfCorrection = selfCorrection, DriftBoost = boost, DriftChallengerEvents = challenger },
            _ => throw new ArgumentException($"unknown variant '{variant}'", nameof(variant)),
        }).Validate();
    }

    public static VariantScore Run(string variant, NoisyStream stream, QualityOptions options)
    {
        var data = stream.Data;
        int f = data.FeatureCount, k = data.ClassCount, n = data.Count;
        var labels = variant == "clean" ? stream.Truth : stream.TrainingLabels;
        var spec = StudentSpec(variant, f, k, options);
        int batch = options.Batch;
        using var student = new OnlineLearner(spec);
        using var teacher = variant is "distill" or "full" or "clean" ? new ReplayTeacher(ReplayTeacher.DefaultSpecFor(spec)) : null;

        var hits = new bool[n];
        var x = new float[batch * f];
        var y = new int[batch];
        int? detectionDelay = null;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < n; start += batch)
        {
            int rows = Math.Min(batch, n - start);
            for (int r = 0; r < rows; r++)
            {
                data.Features[start + r].CopyTo(x, r * f);
                y[r] = labels[start + r];
            }
            var xs = x.AsSpan(0, rows * f);
            var ys = y.AsSpan(0, rows);
            // The student predicts and learns first, from the teacher's view of past (buffered) events.
            var distill = teacher?.SampleDistillationBatch(rows, spec.Temperature);
            var result = student.TestThenTrain(xs, rows, ys, distill);
            for (int r = 0; r < rows; r++) hits[start + r] = result.Predicted[r] == stream.Truth[start + r];
            if (result.DriftDetected && detectionDelay is null && stream.DriftIndex is int d && start + rows > d)
                detectionDelay = start + rows - d;
            teacher?.Learn(xs, rows, ys);
        }
        clock.Stop();
        var c = student.Counters;
        return VariantScore.From(hits, stream.DriftIndex, clock.Elapsed.TotalSeconds, c.DriftsDetected, c.LabelsCorrected, c.SamplesDownWeighted, detectionDelay) with { ChallengersAdopted = student.ChallengersAdopted };
    }
}
