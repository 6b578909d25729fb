using StreamLabel.Learning.Model;
using StreamLabel.Learning.Regularization;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Bank;

public sealed partial class ModelBank
{
    // Reused per-step arrays (see StepScratch), one index per use; those of one step must not share an index.
    private const int Input = 0, Probabilities = 1, TrustL = 2, Teacher = 3;
    private const int SlotRows = 0, RowsL = 1, SlotL = 2, LabelsL = 3, RowsD = 4, SlotD = 5, UpdateRows = 6, Positions = 7;
    private readonly StepScratch<float> _floats = new(4);
    private readonly StepScratch<long> _longs = new(8);

    /// <summary>
    /// One test-then-train step of many slots at once, each exactly as <see cref="OnlineLearner.TestThenTrain"/> would
    /// take it (predict first, metrics, detector, drift reset and boost, smoothing, self-correction with the slot's
    /// own g and loss reference, distillation weight a·g, the slot's own rate scale and Adam bias correction). At most
    /// one entry per slot. Rows are padded to [slots, R, F]; only real rows enter the losses. Only slots that learn
    /// (a label or a distillation batch) change weights, moments and version. All entries are checked before any
    /// state changes; an <see cref="ArgumentException"/> names the bad entry. Returns one result per entry, in order.
    /// </summary>
    public IReadOnlyList<PrequentialResult> TestThenTrain(IReadOnlyList<BankStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int P = steps.Count, F = FeatureCount, K = ClassCount;
        if (P == 0) return [];
        var slots = new BankSlot[P];
        var labeled = new List<int>[P];
        var seen = new HashSet<int>();
        int R = 0;
        for (int p = 0; p < P; p++)
        {
            var s = steps[p] ?? throw new ArgumentNullException($"steps[{p}]");
            // The field names are only built when one is bad (they were two strings per entry per step).
            slots[p] = s.Slot >= 0 && s.Slot < _slots.Count && !_disposed && _slots[s.Slot] is { } live ? live : Live(s.Slot, $"steps[{p}].Slot");
            if (!seen.Add(s.Slot)) throw new ArgumentException($"steps[{p}].Slot {s.Slot} appears twice: at most one entry per slot per step", $"steps[{p}].Slot");
            labeled[p] = Check(Template, s.Features.Span, s.Rows, s.Labels.Span, s.Distill, EntryPrefix(p));
            R = Math.Max(R, s.Rows + (s.Distill?.Rows ?? 0));
        }

        // Standardize per slot: the batch's features join the statistics before predicting (no label is used).
        // Padding rows must be zero (garbage there would reach the weight gradients as NaN·0), so the reused array is cleared.
        var x = _floats.Get(Input, P * R * F);
        x.Clear();
        for (int p = 0; p < P; p++)
        {
            var s = steps[p];
            var st = slots[p].Standardizer;
            st.Update(s.Features.Span, s.Rows);
            st.Transform(s.Features.Span, s.Rows, x.Slice(p * R * F, s.Rows * F));
            if (s.Distill is { } d) st.Transform(d.Features, d.Rows, x.Slice((p * R + s.Rows) * F, d.Rows * F));
        }
        var learns = Learners(steps, labeled);

        using var scope = NewDisposeScope();
        var slotRows = _longs.Get(SlotRows, P);
        for (int p = 0; p < P; p++) slotRows[p] = slots[p].Index;
        var index = HostTensors.Of(slotRows, DeviceType);
        var gathered = new Tensor[_params.Length];
        using (no_grad())
            for (int i = 0; i < _params.Length; i++) gathered[i] = _params[i].index_select(0, index);
        if (learns.Length > 0) foreach (var t in gathered) t.requires_grad_(true);
        Tensor logits;
        using (var _ = learns.Length > 0 ? null : no_grad()) logits = Forward(HostTensors.Of(x, [P, R, F], DeviceType), gathered).reshape(P * R, K);
        var logp = nn.functional.log_softmax(logits.detach(), 1);
        var probsAll = _floats.Get(Probabilities, P * R * K);
        HostTensors.CopyTo(logp.exp(), probsAll);

        // Predictions, metrics, detector and drift per slot, in plain C# as OnlineLearner does.
        var results = new PrequentialResult?[P];
        var probs = new float[P][];
        var predicted = new int[P][];
        var correct = new int[P];
        var drift = new bool[P];
        for (int p = 0; p < P; p++)
        {
            var s = steps[p];
            probs[p] = probsAll.Slice(p * R * K, s.Rows * K).ToArray();
            predicted[p] = LearnerState.ArgMax(probs[p], s.Rows, K);
            (correct[p], drift[p]) = slots[p].State.Score(predicted[p], s.Labels.Span, labeled[p], prequential: true);
            if (labeled[p].Count == 0 && s.Distill is null)
                results[p] = new PrequentialResult(probs[p], predicted[p], 0, correct[p], double.NaN, 0, 0, drift[p],
                    drift[p] ? slots[p].State.Detector!.Name : null, null, slots[p].Version);
        }
        if (learns.Length == 0) return results!;

        var stats = Learn(steps, slots, labeled, logits, logp, gathered, learns, P, R, K);
        for (int j = 0; j < learns.Length; j++)
        {
            int p = learns[j];
            var slot = slots[p];
            int L = labeled[p].Count, q = steps[p].Distill?.Rows ?? 0;
            int nCorrected = (int)stats[2 * P + p], nDown = (int)stats[3 * P + p];
            slot.Steps++;
            slot.State.AfterLearning(L, q, nCorrected, nDown, stats[P + p]);
            results[p] = new PrequentialResult(probs[p], predicted[p], L, correct[p], stats[p], nCorrected, nDown, drift[p],
                drift[p] ? slot.State.Detector!.Name : null, q > 0 ? stats[4 * P + p] : null, slot.Version);
        }
        return results!;
    }

    private static readonly string[] EntryPrefixes = Enumerable.Range(0, 256).Select(p => $"steps[{p}].").ToArray();

    // "steps[p]." for error messages, without building it per entry per step.
    private static string EntryPrefix(int p) => p < EntryPrefixes.Length ? EntryPrefixes[p] : $"steps[{p}].";

    // The entries that learn: a label or a distillation batch.
    private static int[] Learners(IReadOnlyList<BankStep> steps, List<int>[] labeled)
    {
        int n = 0;
        for (int p = 0; p < steps.Count; p++) if (labeled[p].Count > 0 || steps[p].Distill is not null) n++;
        var learns = new int[n];
        n = 0;
        for (int p = 0; p < steps.Count; p++) if (labeled[p].Count > 0 || steps[p].Distill is not null) learns[n++] = p;
        return learns;
    }

    /// <summary>
    /// Checks one slot's step input against a spec's F and K (what <see cref="TestThenTrain"/> checks per entry);
    /// returns the labeled rows. <paramref name="prefix"/> starts the named field, e.g. "steps[2].".
    /// </summary>
    internal static List<int> Check(LearnerSpec spec, ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels, DistillationBatch? distill, string prefix = "")
    {
        if (rows <= 0) throw new ArgumentOutOfRangeException(prefix + "Rows", rows, "must be > 0");
        if (features.Length != rows * spec.FeatureCount)
            throw new ArgumentException($"{prefix}Features has {features.Length} values, expected rows×features = {rows}×{spec.FeatureCount}", prefix + "Features");
        var labeled = LearnerState.LabeledRows(labels, rows, spec.ClassCount, prefix + "Labels");
        if (distill is not null) LearnerState.CheckDistillation(distill, spec.FeatureCount, spec.ClassCount, prefix + "Distill");
        return labeled;
    }

    // Losses of all learning slots (padded positions p), one backward, one optimizer update of the learning slots'
    // rows. Returns [total | mean CE | corrected | down-weighted | teacher agreement], P values each.
    private double[] Learn(IReadOnlyList<BankStep> steps, BankSlot[] slots, List<int>[] labeled, Tensor logits, Tensor logp,
        Tensor[] gathered, int[] learns, int P, int R, int K)
    {
        var sc = Template.SelfCorrection;
        var dev = DeviceType;
        // Per-slot numbers after the drift decisions: g, loss reference, a', rate scale.
        var count = new float[P];
        var countD = new float[P];
        var hardWeight = new float[P];
        var kdWeight = new float[P];
        var reference = new float[P];
        // Labeled rows (L) and replayed rows (D) of all slots, in the bank's reused arrays: sized first, then filled.
        int nL = 0, nD = 0;
        for (int p = 0; p < P; p++) { nL += labeled[p].Count; nD += steps[p].Distill?.Rows ?? 0; }
        var rowsL = _longs.Get(RowsL, nL); var slotL = _longs.Get(SlotL, nL); var y = _longs.Get(LabelsL, nL); var gL = _floats.Get(TrustL, nL);
        var rowsD = _longs.Get(RowsD, nD); var slotD = _longs.Get(SlotD, nD); var teacher = _floats.Get(Teacher, nD * K);
        int l = 0, d = 0;
        for (int p = 0; p < P; p++)
        {
            var s = steps[p];
            var labels = s.Labels.Span;
            float g = (float)slots[p].State.GlobalTrust;
            foreach (int i in labeled[p]) { rowsL[l] = p * R + i; slotL[l] = p; y[l] = labels[i]; gL[l] = g; l++; }
            int q = s.Distill?.Rows ?? 0;
            for (int i = 0; i < q; i++) { rowsD[d + i] = p * R + s.Rows + i; slotD[d + i] = p; }
            if (q > 0) s.Distill!.TeacherProbabilities.AsSpan().CopyTo(teacher.Slice(d * K, q * K));
            d += q;
            count[p] = Math.Max(1, labeled[p].Count);
            countD[p] = Math.Max(1, q);
            double a = slots[p].State.DistillationWeight;
            // total = hard when no replayed rows, KD when no labels, else (1-a')·hard + a'·KD (OnlineLearner's mix).
            hardWeight[p] = q == 0 ? 1 : labeled[p].Count > 0 ? (float)(1 - a) : 0;
            kdWeight[p] = q == 0 ? 0 : labeled[p].Count > 0 ? (float)a : 1;
            reference[p] = (float)slots[p].State.LossReference; // NaN before a slot's first labeled step
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
            var targets = LabelSmoothing.Targets(yT, K, Template.Smoothing, Template.SmoothingConvention);
            if (sc.Enabled) targets = SelfCorrection.Correct(targets, logpL.exp(), SelfCorrection.ExampleTrust(logpL, gT));
            var ce = SoftTargetLoss.PerSample(sL, targets);
            meanCe = Sum(zeroF, slotIndex, ce.detach()).div_(n);
            if (sc.Enabled)
            {
                // A slot's first step compares against its own batch mean (as OnlineLearner does).
                var refSlot = HostTensors.Of(reference, dev);
                refSlot = where(refSlot.isnan(), meanCe, refSlot);
                var w = SelfCorrection.Weights(ce.detach(), refSlot.index_select(0, slotIndex), gT, sc.MinWeight, sc.LossScale);
                hard = Sum(zeroF, slotIndex, ce.mul(w)).div(n);
                corrected = Sum(zeroD, slotIndex, targets.argmax(1).ne(yT).to(ScalarType.Float64));
                using var midpoint = Scalars.Of((1 + sc.MinWeight) / 2);
                down = Sum(zeroD, slotIndex, w.lt(midpoint).to(ScalarType.Float64));
            }
            else hard = Sum(zeroF, slotIndex, ce).div(n);
        }
        if (nD > 0)
        {
            var rowIndex = HostTensors.Of(rowsD, dev);
            var slotIndex = HostTensors.Of(slotD, dev);
            var n = HostTensors.Of(countD, dev);
            var sR = logits.index_select(0, rowIndex);
            var t = HostTensors.Of(teacher, [nD, K], dev);
            kd = Sum(zeroF, slotIndex, DistillationLoss.PerSampleFromProbabilities(sR, t, Template.Temperature)).div(n);
            agreement = Sum(zeroD, slotIndex, sR.detach().argmax(1).eq(t.argmax(1)).to(ScalarType.Float64)).div(n.to(ScalarType.Float64));
        }
        var total = hard.mul(HostTensors.Of(hardWeight, dev)).add(kd.mul(HostTensors.Of(kdWeight, dev)), Scalars.One);

        // One read-back for all step statistics.
        var stats = OnlineClassifier.ToDoubles(cat([total.detach().to(ScalarType.Float64), meanCe.to(ScalarType.Float64), corrected, down, agreement]));
        total.sum().backward();
        Update(slots, gathered, learns);
        return stats;
    }

    // Adam/SGD on the learning slots only: gather their rows (weights, gradients, moments), update, scatter back, so
    // slots that did not learn keep their weights and moments (Adam with a zero gradient would still move them).
    private void Update(BankSlot[] slots, Tensor[] gathered, int[] learns)
    {
        using var _ = no_grad();
        var dev = DeviceType;
        int n = learns.Length;
        var rate = new float[n];
        var sqrtBc2 = new float[n];
        for (int j = 0; j < n; j++)
        {
            var s = slots[learns[j]];
            var (r, b) = OptimizerUpdate.Rates(Template.Optimizer, Template.LearningRate, s.Steps + 1, s.State.RateScale);
            (rate[j], sqrtBc2[j]) = ((float)r, (float)b);
        }
        var rateT = HostTensors.Of(rate, dev);
        var sqrtBc2T = HostTensors.Of(sqrtBc2, dev);
        var rowsOf = _longs.Get(UpdateRows, n);
        for (int j = 0; j < n; j++) rowsOf[j] = slots[learns[j]].Index;
        var rows = HostTensors.Of(rowsOf, dev);
        bool all = n == slots.Length;
        Tensor? positions = null;
        if (!all)
        {
            var at = _longs.Get(Positions, n);
            for (int j = 0; j < n; j++) at[j] = learns[j];
            positions = HostTensors.Of(at, dev);
        }
        for (int i = 0; i < _params.Length; i++)
        {
            var shape = new long[_shapes[i].Length + 1];
            Array.Fill(shape, 1L);
            shape[0] = n;
            var leaf = gathered[i];
            var p = all ? leaf.detach() : leaf.detach().index_select(0, positions!);
            var grad = all ? leaf.grad! : leaf.grad!.index_select(0, positions!);
            var m = _adam ? _m[i].index_select(0, rows) : null;
            var v = _adam ? _v[i].index_select(0, rows) : null;
            OptimizerUpdate.Apply(Template.Optimizer, Template.WeightDecay, p, grad, m, v, rateT.view(shape), sqrtBc2T.view(shape));
            _params[i].index_copy_(0, rows, p);
            if (_adam) { _m[i].index_copy_(0, rows, m!); _v[i].index_copy_(0, rows, v!); }
        }
    }

    // Per-slot sums of per-row values (a segment sum), in the rows' dtype.
    private static Tensor Sum(Tensor zero, Tensor slotIndex, Tensor rows)
    {
        using var one = Scalars.Of(1);
        return zero.index_add(0, slotIndex, rows, one);
    }

    // Logits [P, R, K]: x·Wᵀ + b per slot with batched matrix products.
    private static Tensor Forward(Tensor x, Tensor[] parameters)
    {
        for (int i = 0; i < parameters.Length; i += 2)
        {
            // TorchSharp 0.107: batch1.baddbmm(batch2, input) = input + batch1·batch2 (not PyTorch's argument order).
            x = x.baddbmm(parameters[i].transpose(1, 2), parameters[i + 1].unsqueeze(1));
            if (i + 2 < parameters.Length) x = nn.functional.relu(x);
        }
        return x;
    }
}
