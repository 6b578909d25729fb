using StreamLabel.Learning.Drift;
using StreamLabel.Learning.Regularization;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// One contract over every regularizer and detector: regularizer targets are distributions (non-negative, rows sum
/// to 1), weights stay in [w_min, 1], inputs are not mutated; detectors stay quiet on stationary error streams (at
/// most the false-alarm rate allowed below) and fire within a bounded delay after the error rate rises.
/// </summary>
public sealed class ContractTests(ITestOutputHelper output)
{
    public static TheoryData<string> Components() =>
    [
        "smoothing-uniform", "smoothing-others", "self-correction-targets", "self-correction-weights",
        "distillation-teacher-targets", "adwin", "page-hinkley",
    ];

    [Theory]
    [MemberData(nameof(Components))]
    public void Component_honours_its_contract(string component)
    {
        if (component is "adwin" or "page-hinkley") DetectorContract(component);
        else RegularizerContract(component);
    }

    private static void RegularizerContract(string component)
    {
        foreach (int k in (int[])[2, 3, 10])
            foreach (double scale in (double[])[1, 40])
                foreach (double g in (double[])[0, 0.3, 1])
                {
                    using var scope = NewDisposeScope();
                    var gen = new Random(k * 1000 + (int)scale + (int)(g * 10));
                    int n = 64;
                    var logits = tensor(Enumerable.Range(0, n * k).Select(_ => (float)((gen.NextDouble() * 2 - 1) * scale)).ToArray(), [n, k]);
                    var labels = tensor(Enumerable.Range(0, n).Select(_ => (long)gen.Next(k)).ToArray());
                    var logitsBefore = logits.clone();
                    var labelsBefore = labels.clone();
                    var logp = nn.functional.log_softmax(logits, 1);
                    Tensor? targets = null;
                    switch (component)
                    {
                        case "smoothing-uniform": targets = LabelSmoothing.Targets(labels, k, 0.15, SmoothingConvention.Uniform); break;
                        case "smoothing-others": targets = LabelSmoothing.Targets(labels, k, 0.15, SmoothingConvention.Others); break;
                        case "distillation-teacher-targets": targets = DistillationLoss.TeacherTargets(logits, 2.0); break;
                        case "self-correction-targets":
                            var smoothed = LabelSmoothing.Targets(labels, k, 0.1, SmoothingConvention.Uniform);
                            var smoothedBefore = smoothed.clone();
                            var trust = SelfCorrection.ExampleTrust(logp, g);
                            Assert.True(trust.min().ToDouble() >= -1e-6 && trust.max().ToDouble() <= g + 1e-6, "trust outside [0, g]");
                            targets = SelfCorrection.Correct(smoothed, logp.exp(), trust);
                            Assert.True(Same(smoothed, smoothedBefore), "Correct mutated its targets input");
                            // A label is overruled only when trust > 0.5 and the model disagrees.
                            var overruled = targets.argmax(1).ne(labels);
                            var allowed = trust.gt(0.5).logical_and(logp.argmax(1).ne(labels));
                            Assert.False(overruled.logical_and(allowed.logical_not()).any().ToBoolean(), "a label was overruled without trust > 0.5 and disagreement");
                            break;
                        case "self-correction-weights":
                            var loss = SoftTargetLoss.PerSample(logits, LabelSmoothing.Targets(labels, k, 0, SmoothingConvention.Uniform));
                            var lossBefore = loss.clone();
                            var w = SelfCorrection.Weights(loss, 0.5, g, 0.2, 1.0);
                            Assert.True(Same(loss, lossBefore), "Weights mutated the loss");
                            Assert.True(w.min().ToDouble() >= 0.2 - 1e-6 && w.max().ToDouble() <= 1 + 1e-6, $"weights outside [0.2, 1]: {w.min().ToDouble()}..{w.max().ToDouble()}");
                            if (g == 0) Assert.True(w.min().ToDouble() >= 1 - 1e-6, "an immature model (g = 0) must trust every label");
                            if (g == 1 && scale == 40) Assert.True(w.min().ToDouble() < 0.25, "large losses at full trust must reach w_min");
                            break;
                        default: throw new ArgumentException(component);
                    }
                    Assert.True(Same(logits, logitsBefore), "logits were mutated");
                    Assert.True(Same(labels, labelsBefore), "labels were mutated");
                    if (targets is null) continue;
                    Assert.Equal(new long[] { n, k }, targets.shape);
                    Assert.True(targets.min().ToDouble() >= 0, $"{component}: negative target {targets.min().ToDouble()}");
                    double maxDev = targets.sum(1).sub(1).abs().max().ToDouble();
                    Assert.True(maxDev < 1e-5, $"{component}: rows sum to 1 ± {maxDev}");
                }
    }

    private static bool Same(Tensor a, Tensor b) => a.eq(b).all().ToBoolean();

    // Bernoulli error streams, seeded. Stationary p = 0.3 for 20 × 10,000 events; then a rise 0.3 → 0.7.
    private void DetectorContract(string name)
    {
        const int runs = 20, length = 10_000, shiftAt = 2_000;
        long falseAlarms = 0;
        var delays = new List<int>();
        for (int run = 0; run < runs; run++)
        {
            var rng = new Random(run + 100);
            var quiet = DriftDetector.Create(SpecNames.Parse<DriftDetectorKind>(name, nameof(name)))!;
            for (int i = 0; i < length; i++) if (quiet.Update(rng.NextDouble() < 0.3 ? 1 : 0)) falseAlarms++;

            var shifted = DriftDetector.Create(SpecNames.Parse<DriftDetectorKind>(name, nameof(name)))!;
            int delay = -1;
            for (int i = 0; i < shiftAt + 2_000; i++)
            {
                bool fired = shifted.Update(rng.NextDouble() < (i < shiftAt ? 0.3 : 0.7) ? 1 : 0);
                if (fired && i >= shiftAt) { delay = i - shiftAt + 1; break; }
            }
            delays.Add(delay);
        }
        double perTenThousand = falseAlarms / (double)runs;
        delays.Sort();
        output.WriteLine($"{name}: false alarms {perTenThousand:0.00} per 10k stationary events; delays {string.Join(",", delays)}");
        Assert.True(perTenThousand <= 0.5, $"{name}: {perTenThousand} false alarms per 10k stationary events");
        Assert.DoesNotContain(-1, delays);
        Assert.True(delays.Max() <= 300, $"{name}: worst detection delay {delays.Max()} events");
    }
}
