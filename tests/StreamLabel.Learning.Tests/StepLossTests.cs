using StreamLabel.Learning.Model;
using StreamLabel.Learning.Regularization;
using StreamLabel.Learning.Step;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// The step's host losses (<see cref="StepLoss"/>) against the tensor forms they replace: label smoothing,
/// self-correction, soft-target CE and distillation as per-slot means combined with a', with autograd's gradient of
/// the summed totals on the logits. Slots differ in smoothing, self-correction (one off), temperature, rows, labels,
/// loss reference (none yet) and distillation; agreement within float32 rounding, counts exactly.
/// </summary>
public sealed class StepLossTests
{
    [Theory]
    [InlineData(2, SmoothingConvention.Uniform, true)]
    [InlineData(3, SmoothingConvention.Others, true)]
    [InlineData(2, SmoothingConvention.Uniform, false)]
    [InlineData(4, SmoothingConvention.Uniform, false)]
    public void Host_losses_and_logit_gradient_match_the_tensor_forms(int K, SmoothingConvention convention, bool perSlot)
    {
        const int F = 3, P = 5;
        var rng = new Random(K * 10 + (perSlot ? 1 : 0));
        var template = new LearnerSpec
        {
            FeatureCount = F, ClassCount = K, SmoothingConvention = convention,
            SelfCorrection = new SelfCorrectionOptions { MaturityEvents = 40 },
        };
        var entries = new StepEntry[P];
        int R = 0;
        for (int p = 0; p < P; p++)
        {
            var spec = !perSlot ? template : (p % 3) switch
            {
                0 => template,
                1 => template with { Smoothing = 0.2, Temperature = 1, SelfCorrection = template.SelfCorrection with { MinWeight = 0.5, LossScale = 0.4 } },
                _ => template with { Smoothing = 0, Temperature = 3.5, SelfCorrection = template.SelfCorrection with { Enabled = false } },
            };
            var state = new LearnerState(spec);
            if (p != 1) state.AfterLearning(10 + 10 * p, 0, 0, 0, 0.3 + 0.1 * p); // a loss reference and some maturity; slot 1 has none
            int rows = 3 + 4 * p;
            var labels = new int[rows];
            for (int i = 0; i < rows; i++) labels[i] = p == 3 ? -1 : rng.Next(4) == 0 ? -1 : rng.Next(K);
            var labeled = Enumerable.Range(0, rows).Where(i => labels[i] >= 0).ToList();
            DistillationBatch? distill = null;
            if (p % 2 == 1 || p == 3)
            {
                int q = 2 + p;
                var t = new float[q * K];
                for (int i = 0; i < q; i++)
                {
                    var raw = Enumerable.Range(0, K).Select(_ => Math.Exp(3 * rng.NextDouble())).ToArray();
                    for (int k = 0; k < K; k++) t[i * K + k] = (float)(raw[k] / raw.Sum());
                }
                t[0] = 1; for (int k = 1; k < K; k++) t[k] = 0; // a zero teacher probability
                distill = new DistillationBatch(new float[q * F], q, t);
            }
            entries[p] = new StepEntry(new float[rows * F], rows, labels, distill, labeled, state, new FeatureStandardizer(F));
            R = Math.Max(R, rows + (distill?.Rows ?? 0));
        }
        var values = new float[P * R * K];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 6 - 3);

        using var scope = NewDisposeScope();
        var logits = tensor(values, [P * R, K]).requires_grad_(true);
        var logp = nn.functional.log_softmax(logits.detach(), 1);
        var logpHost = OnlineClassifier.ToArray(logp);
        var probs = OnlineClassifier.ToArray(logp.exp());
        var gradient = new float[values.Length];
        var stats = StepLoss.Compute(entries, template, SlotSettings.Of(entries), values, logpHost, probs, R, K, gradient, new float[R * (K + 1)]);

        var (total, meanCe, corrected, down, agreement) = Reference(entries, template, logits, logp, R, K);
        total.sum().backward();
        var expectedGradient = OnlineClassifier.ToArray(logits.grad!);
        for (int p = 0; p < P; p++)
        {
            Assert.True(Math.Abs(stats[p] - total[p].ToSingle()) <= 1e-6 * (1 + Math.Abs(stats[p])), $"slot {p}: total {stats[p]} vs {total[p].ToSingle()}");
            Assert.True(Math.Abs(stats[P + p] - meanCe[p]) <= 1e-6 * (1 + Math.Abs(meanCe[p])), $"slot {p}: mean CE {stats[P + p]} vs {meanCe[p]}");
            Assert.Equal(corrected[p], stats[2 * P + p]);
            Assert.Equal(down[p], stats[3 * P + p]);
            Assert.Equal(agreement[p], stats[4 * P + p]);
        }
        for (int i = 0; i < gradient.Length; i++)
            Assert.True(Math.Abs(gradient[i] - expectedGradient[i]) <= 1e-7 + 1e-6 * Math.Abs(expectedGradient[i]), $"gradient[{i}] {gradient[i]} vs {expectedGradient[i]}");
    }

    // The losses as tensors (each slot on its own rows), the way the step computed them before StepLoss.
    private static (Tensor Total, double[] MeanCe, int[] Corrected, int[] Down, double[] Agreement) Reference(StepEntry[] entries, LearnerSpec spec,
        Tensor logits, Tensor logp, int R, int K)
    {
        int P = entries.Length;
        var totals = new Tensor[P];
        var meanCe = new double[P];
        var corrected = new int[P];
        var down = new int[P];
        var agreement = new double[P];
        bool anyLabels = entries.Any(e => e.Labeled.Count > 0), anyDistill = entries.Any(e => e.Replayed > 0);
        bool anyCorrection = entries.Any(e => e.State.Spec.SelfCorrection.Enabled);
        for (int p = 0; p < P; p++)
        {
            var e = entries[p];
            var own = e.State.Spec;
            int L = e.Labeled.Count, q = e.Replayed;
            Tensor hard = zeros(1), kd = zeros(1);
            if (L > 0)
            {
                var rows = tensor(e.Labeled.Select(i => (long)(p * R + i)).ToArray());
                var y = tensor(e.Labeled.Select(i => (long)e.Labels.Span[i]).ToArray());
                var s = logits.index_select(0, rows);
                var lp = logp.index_select(0, rows);
                var g = tensor((float)e.State.GlobalTrust);
                var targets = LabelSmoothing.Targets(y, K, own.Smoothing, spec.SmoothingConvention);
                if (anyCorrection) targets = SelfCorrection.Correct(targets, lp.exp(), SelfCorrection.ExampleTrust(lp, g));
                var ce = SoftTargetLoss.PerSample(s, targets);
                var mean = ce.detach().mean();
                meanCe[p] = mean.ToSingle();
                if (anyCorrection)
                {
                    var reference = double.IsNaN(e.State.LossReference) ? mean : tensor((float)e.State.LossReference);
                    var w = SelfCorrection.Weights(ce.detach(), reference, g, own.SelfCorrection.MinWeight, own.SelfCorrection.LossScale);
                    using Scalar midpoint = (1 + own.SelfCorrection.MinWeight) / 2;
                    down[p] = (int)w.lt(midpoint).sum().ToInt64();
                    corrected[p] = (int)targets.argmax(1).ne(y).sum().ToInt64();
                    hard = ce.mul(w).mean();
                }
                else hard = ce.mean();
            }
            if (q > 0)
            {
                var rows = tensor(Enumerable.Range(0, q).Select(i => (long)(p * R + e.Rows + i)).ToArray());
                var s = logits.index_select(0, rows);
                var t = tensor(e.Distill!.TeacherProbabilities, [q, K]);
                kd = DistillationLoss.PerSampleFromProbabilities(s, t, own.Temperature).mean();
                agreement[p] = s.detach().argmax(1).eq(t.argmax(1)).to(ScalarType.Float64).mean().ToDouble();
            }
            double a = e.State.DistillationWeight;
            float hardWeight = q == 0 ? 1 : L > 0 ? (float)(1 - a) : 0, kdWeight = q == 0 ? 0 : L > 0 ? (float)a : 1;
            using Scalar hw = hardWeight, kw = kdWeight;
            totals[p] = (!anyDistill ? hard : !anyLabels ? kd : hard.mul(hw).add(kd.mul(kw))).reshape(1);
        }
        return (cat(totals), meanCe, corrected, down, agreement);
    }
}
