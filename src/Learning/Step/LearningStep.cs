using StreamLabel.Learning.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Step;

/// <summary>
/// The test-then-train step, written once over a slot dimension: an <see cref="OnlineLearner"/> is a step of one slot,
/// a <see cref="Bank.ModelBank"/> a step of many. Per slot: standardize, predict before learning, score and feed the
/// drift detector (a drift resets maturity before the step learns), then the losses (<see cref="StepLoss"/>: label
/// smoothing, self-correction with the slot's own g and loss reference, distillation with weight a') with their
/// gradient on the logits, and one backward and optimizer update of the slots that learn. Rows are padded to
/// [P, R, F]; only real rows enter the losses. A new loss term is added in StepLoss only.
/// </summary>
internal static class LearningStep
{
    // Reused per-step arrays, one set per thread: a step runs on one thread and never spans an await.
    [ThreadStatic] private static StepScratch<float>? t_floats;
    private const int Input = 0, Probabilities = 1, Logits = 2, LogProbabilities = 3, Gradient = 4, Losses = 5;

    /// <summary>
    /// Steps every entry (at most one per slot; inputs already checked by the caller) on <paramref name="model"/>'s
    /// weights and returns one result per entry, in order. Non-prequential steps (replay) neither feed the metrics
    /// nor the detector.
    /// </summary>
    public static PrequentialResult[] Run(IStepModel model, LearnerSpec spec, int width, StepEntry[] entries, Device device, bool prequential)
    {
        int P = entries.Length, F = width, K = spec.ClassCount, R = 0;
        var floats = t_floats ??= new StepScratch<float>(6);
        foreach (var e in entries) R = Math.Max(R, e.Rows + e.Replayed);

        // Features are known at prediction time, so folding them into the standardizer first leaks no label. Padding
        // rows must be zero (garbage there would reach the weight gradients as NaN·0), so the reused array is cleared.
        var x = floats.Get(Input, P * R * F);
        x.Clear();
        for (int p = 0; p < P; p++)
        {
            var e = entries[p];
            e.Standardizer.Update(e.Features.Span, e.Rows);
            e.Standardizer.Transform(e.Features.Span, e.Rows, x.Slice(p * R * F, e.Rows * F));
            if (e.Distill is { } d) e.Standardizer.Transform(d.Features, d.Rows, x.Slice((p * R + e.Rows) * F, d.Rows * F));
        }
        var learners = Learners(entries);

        using var scope = NewDisposeScope();
        Tensor logits;
        using (var _ = learners.Length > 0 ? null : no_grad()) logits = model.Forward(x, P, R, F, learners.Length > 0);
        var logp = nn.functional.log_softmax(logits.detach(), 1);
        var probsAll = floats.Get(Probabilities, P * R * K);
        HostTensors.CopyTo(logp.exp(), probsAll);

        // Predictions, metrics, detector and drift per slot, in plain C#.
        var results = new PrequentialResult[P];
        var probs = new float[P][];
        var predicted = new int[P][];
        var correct = new int[P];
        var drift = new bool[P];
        for (int p = 0; p < P; p++)
        {
            var e = entries[p];
            probs[p] = probsAll.Slice(p * R * K, e.Rows * K).ToArray();
            predicted[p] = LearnerState.ArgMax(probs[p], e.Rows, K);
            (correct[p], drift[p]) = e.State.Score(predicted[p], e.Labels.Span, e.Labeled, prequential);
            if (!e.Learns)
                results[p] = new PrequentialResult(probs[p], predicted[p], 0, correct[p], double.NaN, 0, 0, drift[p],
                    drift[p] ? e.State.Detector!.Name : null, null, model.Version(p));
        }
        if (learners.Length == 0) return results;

        var stats = Learn(model, spec, entries, logits, logp, probsAll, learners, R, K, device, floats);
        foreach (int p in learners)
        {
            var e = entries[p];
            int L = e.Labeled.Count, q = e.Replayed;
            if (!double.IsFinite(stats[p]))
            {
                // Not learned from: no counters, maturity or loss reference move, and the version stays.
                e.State.StepsSkipped++;
                results[p] = new PrequentialResult(probs[p], predicted[p], L, correct[p], stats[p], 0, 0, drift[p],
                    drift[p] ? e.State.Detector!.Name : null, q > 0 ? stats[4 * P + p] : null, model.Version(p)) { StepSkipped = true };
                continue;
            }
            int nCorrected = (int)stats[2 * P + p], nDown = (int)stats[3 * P + p];
            e.State.AfterLearning(L, q, nCorrected, nDown, stats[P + p]);
            results[p] = new PrequentialResult(probs[p], predicted[p], L, correct[p], stats[p], nCorrected, nDown, drift[p],
                drift[p] ? e.State.Detector!.Name : null, q > 0 ? stats[4 * P + p] : null, model.Version(p));
        }
        return results;
    }

    // The positions that learn: a label or a distillation batch.
    private static int[] Learners(StepEntry[] entries)
    {
        int n = 0;
        foreach (var e in entries) if (e.Learns) n++;
        var learners = new int[n];
        n = 0;
        for (int p = 0; p < entries.Length; p++) if (entries[p].Learns) learners[n++] = p;
        return learners;
    }

    // The losses of all learning slots and their gradient on the logits (StepLoss), then one backward and optimizer
    // update of the slots whose loss is finite. Returns [total | mean CE | corrected | down-weighted | teacher agreement], P values each.
    private static double[] Learn(IStepModel model, LearnerSpec spec, StepEntry[] entries, Tensor logits, Tensor logp, Span<float> probs,
        int[] learners, int R, int K, Device dev, StepScratch<float> floats)
    {
        int P = entries.Length, maxLabeled = 0;
        foreach (var e in entries) maxLabeled = Math.Max(maxLabeled, e.Labeled.Count);
        var hostLogits = floats.Get(Logits, P * R * K);
        HostTensors.CopyTo(logits.detach(), hostLogits);
        var hostLogp = floats.Get(LogProbabilities, P * R * K);
        HostTensors.CopyTo(logp, hostLogp);
        var gradient = floats.Get(Gradient, P * R * K);
        gradient.Clear();
        var stats = StepLoss.Compute(entries, spec, SlotSettings.Of(entries), hostLogits, hostLogp, probs, R, K, gradient, floats.Get(Losses, maxLabeled * (K + 1)));
        // A step on a NaN or infinite loss would make the slot's weights NaN for good (and they would be persisted):
        // that slot is left out of the update, and the step's other slots learn as usual (their gradients are their own).
        int finite = 0;
        foreach (int p in learners) if (double.IsFinite(stats[p])) finite++;
        if (finite == 0) return stats;
        var stepped = learners;
        if (finite < learners.Length)
        {
            stepped = new int[finite];
            finite = 0;
            foreach (int p in learners)
                if (double.IsFinite(stats[p])) stepped[finite++] = p;
                else gradient.Slice(p * R * K, R * K).Clear();
        }
        var rateScales = new double[stepped.Length];
        for (int j = 0; j < stepped.Length; j++) rateScales[j] = entries[stepped[j]].State.RateScale;
        model.Update(logits, HostTensors.Of(gradient, [P * R, K], dev), stepped, rateScales);
        return stats;
    }
}
