using StreamLabel.Learning.Model;
using StreamLabel.Learning.Regularization;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Step;

/// <summary>
/// The test-then-train step, written once over a slot dimension: an <see cref="OnlineLearner"/> is a step of one slot,
/// a <see cref="Bank.ModelBank"/> a step of many. Per slot: standardize, predict before learning, score and feed the
/// drift detector (a drift resets maturity before the step learns), then label smoothing, self-correction with the
/// slot's own g and loss reference, distillation with weight a', and one backward and optimizer update of the slots
/// that learn. Rows are padded to [P, R, F]; only real rows enter the losses. A new loss term is added here only.
/// </summary>
internal static class LearningStep
{
    // Reused per-step arrays, one set per thread: a step runs on one thread and never spans an await.
    [ThreadStatic] private static StepScratch<float>? t_floats;
    [ThreadStatic] private static StepScratch<long>? t_longs;
    private const int Input = 0, Probabilities = 1, TrustL = 2, Teacher = 3;
    private const int RowsL = 0, SlotL = 1, LabelsL = 2, RowsD = 3, SlotD = 4;

    /// <summary>
    /// Steps every entry (at most one per slot; inputs already checked by the caller) on <paramref name="model"/>'s
    /// weights and returns one result per entry, in order. Non-prequential steps (replay) neither feed the metrics
    /// nor the detector.
    /// </summary>
    public static PrequentialResult[] Run(IStepModel model, LearnerSpec spec, int width, StepEntry[] entries, Device device, bool prequential)
    {
        int P = entries.Length, F = width, K = spec.ClassCount, R = 0;
        var floats = t_floats ??= new StepScratch<float>(4);
        var longs = t_longs ??= new StepScratch<long>(5);
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

        var stats = Learn(model, spec, entries, logits, logp, learners, R, K, device, floats, longs);
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

    // The losses of all learning slots, then one backward and optimizer update of those whose loss is finite.
    // Returns [total | mean CE | corrected | down-weighted | teacher agreement], P values each.
    private static double[] Learn(IStepModel model, LearnerSpec spec, StepEntry[] entries, Tensor logits, Tensor logp,
        int[] learners, int R, int K, Device dev, StepScratch<float> floats, StepScratch<long> longs)
    {
        int P = entries.Length;
        var settings = SlotSettings.Of(entries);
        // Per-slot numbers after the drift decisions: row counts, the hard and distillation weights, loss reference.
        var count = new float[P];
        var countD = new float[P];
        var hardWeight = new float[P];
        var kdWeight = new float[P];
        var reference = new float[P];
        // Labeled rows (L) and replayed rows (D) of all slots, in reused arrays: sized first, then filled.
        int nL = 0, nD = 0;
        foreach (var e in entries) { nL += e.Labeled.Count; nD += e.Replayed; }
        var rowsL = longs.Get(RowsL, nL); var slotL = longs.Get(SlotL, nL); var y = longs.Get(LabelsL, nL); var gL = floats.Get(TrustL, nL);
        // Per-row copies of the regularizer settings, only when the step's slots differ in them.
        var epsL = settings.SameSmoothing ? null : new float[nL];
        var minWL = settings.SameCorrection ? null : new float[nL];
        var scaleL = settings.SameCorrection ? null : new float[nL];
        var tD = settings.SameTemperature ? null : new float[nD];
        var rowsD = longs.Get(RowsD, nD); var slotD = longs.Get(SlotD, nD); var teacher = floats.Get(Teacher, nD * K);
        int l = 0, d = 0;
        for (int p = 0; p < P; p++)
        {
            var e = entries[p];
            var labels = e.Labels.Span;
            float g = (float)e.State.GlobalTrust;
            var own = e.State.Spec;
            foreach (int i in e.Labeled)
            {
                rowsL[l] = p * R + i; slotL[l] = p; y[l] = labels[i]; gL[l] = g;
                if (epsL is not null) epsL[l] = (float)own.Smoothing;
                if (minWL is not null) { minWL[l] = (float)own.SelfCorrection.MinWeight; scaleL![l] = (float)own.SelfCorrection.LossScale; }
                l++;
            }
            int q = e.Replayed;
            for (int i = 0; i < q; i++) { rowsD[d + i] = p * R + e.Rows + i; slotD[d + i] = p; if (tD is not null) tD[d + i] = (float)own.Temperature; }
            if (q > 0) e.Distill!.TeacherProbabilities.AsSpan().CopyTo(teacher.Slice(d * K, q * K));
            d += q;
            count[p] = Math.Max(1, e.Labeled.Count);
            countD[p] = Math.Max(1, q);
            double a = e.State.DistillationWeight;
            // total = hard without replayed rows, KD without labels, else (1-a')·hard + a'·KD.
            hardWeight[p] = q == 0 ? 1 : e.Labeled.Count > 0 ? (float)(1 - a) : 0;
            kdWeight[p] = q == 0 ? 0 : e.Labeled.Count > 0 ? (float)a : 1;
            reference[p] = (float)e.State.LossReference; // NaN before a slot's first labeled step
        }

        var zeroF = zeros(P, device: dev);
        var zeroD = zeros(P, dtype: ScalarType.Float64, device: dev);
        Tensor hard = zeroF, meanCe = zeroF, corrected = zeroD, down = zeroD, kd = zeroF, agreement = zeroD;
        if (nL > 0)
        {
            var rowIndex = HostTensors.Of(rowsL, dev);
            var slotIndex = HostTensors.Of(slotL, dev);
            var n = HostTensors.Of(count, dev);
            var yT = HostTensors.Of(y, dev);
            var sL = logits.index_select(0, rowIndex);
            var logpL = logp.index_select(0, rowIndex);
            var gT = HostTensors.Of(gL, dev);
            var targets = epsL is null
                ? LabelSmoothing.Targets(yT, K, settings.Smoothing, spec.SmoothingConvention)
                : LabelSmoothing.Targets(yT, K, epsL, spec.SmoothingConvention);
            // Slots without self-correction have g = 0, so in a step where others correct their rows stay as they are.
            if (settings.AnyCorrection) targets = SelfCorrection.Correct(targets, logpL.exp(), SelfCorrection.ExampleTrust(logpL, gT));
            var ce = SoftTargetLoss.PerSample(sL, targets);
            meanCe = model.Mean(zeroF, slotIndex, ce.detach(), n);
            if (settings.AnyCorrection)
            {
                // A slot's first step compares against its own batch mean.
                var refSlot = HostTensors.Of(reference, dev);
                bool first = false;
                foreach (float r in reference) first |= float.IsNaN(r);
                if (first) refSlot = where(refSlot.isnan(), meanCe, refSlot);
                var refRows = refSlot.index_select(0, slotIndex);
                Tensor w;
                if (minWL is null)
                {
                    w = SelfCorrection.Weights(ce.detach(), refRows, gT, settings.MinWeight, settings.LossScale);
                    using var midpoint = Scalars.Of((1 + settings.MinWeight) / 2);
                    down = Sum(zeroD, slotIndex, w.lt(midpoint).to(ScalarType.Float64));
                }
                else
                {
                    var minW = HostTensors.Of(minWL, dev);
                    w = SelfCorrection.Weights(ce.detach(), refRows, gT, minW, HostTensors.Of(scaleL!, dev));
                    using var half = Scalars.Of(0.5);
                    down = Sum(zeroD, slotIndex, w.lt(minW.mul(half).add_(half, Scalars.One)).to(ScalarType.Float64)); // (1 + w_min)/2 per row
                }
                hard = model.Mean(zeroF, slotIndex, ce.mul(w), n);
                corrected = Sum(zeroD, slotIndex, targets.argmax(1).ne(yT).to(ScalarType.Float64));
            }
            else hard = model.Mean(zeroF, slotIndex, ce, n);
        }
        if (nD > 0)
        {
            var rowIndex = HostTensors.Of(rowsD, dev);
            var slotIndex = HostTensors.Of(slotD, dev);
            var n = HostTensors.Of(countD, dev);
            var sR = logits.index_select(0, rowIndex);
            var t = HostTensors.Of(teacher, [nD, K], dev);
            var perRow = tD is null
                ? DistillationLoss.PerSampleFromProbabilities(sR, t, settings.Temperature)
                : DistillationLoss.PerSampleFromProbabilities(sR, t, HostTensors.Of(tD, dev));
            kd = model.Mean(zeroF, slotIndex, perRow, n);
            agreement = model.Mean(zeroD, slotIndex, sR.detach().argmax(1).eq(t.argmax(1)).to(ScalarType.Float64), n);
        }
        // Without replayed rows (or labels) anywhere in the step the weights are 1 and 0, so the mix is skipped.
        var total = nD == 0 ? hard : nL == 0 ? kd : hard.mul(HostTensors.Of(hardWeight, dev)).add(kd.mul(HostTensors.Of(kdWeight, dev)), Scalars.One);

        // One read-back for all step statistics.
        var stats = OnlineClassifier.ToDoubles(cat([total.detach().to(ScalarType.Float64), meanCe.to(ScalarType.Float64), corrected, down, agreement]));
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
            foreach (int p in learners) if (double.IsFinite(stats[p])) stepped[finite++] = p;
        }
        var rateScales = new double[stepped.Length];
        for (int j = 0; j < stepped.Length; j++) rateScales[j] = entries[stepped[j]].State.RateScale;
        model.Update(total, stepped, rateScales);
        return stats;
    }

    /// <summary>Per-slot sums of per-row values (a segment sum) in <paramref name="zero"/>'s dtype.</summary>
    internal static Tensor Sum(Tensor zero, Tensor slotOfRow, Tensor rows)
    {
        using var one = Scalars.Of(1);
        return zero.index_add(0, slotOfRow, rows, one);
    }
}
