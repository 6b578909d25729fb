using System.Runtime.CompilerServices;
using StreamLabel.Learning.Regularization;

namespace StreamLabel.Learning.Step;

/// <summary>
/// The loss terms of a <see cref="LearningStep"/> row by row on the host: label smoothing, self-correction
/// (<see cref="SelfCorrection"/>), the weighted soft-target cross-entropy and the distillation KL
/// (<see cref="DistillationLoss"/>), and the gradient of the summed per-slot losses with respect to the logits in
/// closed form (every term is a weighted soft-target cross-entropy). For a few classes some eighty small tensor calls
/// and an autograd graph cost far more than this arithmetic. It follows the tensor forms operation by operation in
/// float32 (the same log-probabilities, the same order, autograd's backward formulas), so results stay within a
/// rounding of theirs; the tensor forms stay the reference (GoldenTests, StepLossTests). Its loops are compiled
/// optimized from the first call: tiered compilation can leave them unoptimized for seconds on one busy core.
/// </summary>
internal static class StepLoss
{
    private const float TeacherFloor = 1e-30f; // as DistillationLoss: log of a zero teacher probability stays finite

    /// <summary>
    /// Per-slot statistics [total | mean CE | corrected | down-weighted | teacher agreement] (P values each, as the
    /// step reports them) and, in <paramref name="gradient"/> [P·R·K, zero on entry], d(Σ_p total_p)/d logits.
    /// <paramref name="logits"/>, <paramref name="logp"/> (log_softmax of the logits) and <paramref name="probs"/>
    /// (its exp) are [P·R·K] with slot p's rows at p·R: its rows, then its distillation rows.
    /// <paramref name="scratch"/> holds at least (K + 1)·(the largest number of labeled rows of a slot): each row's
    /// loss and target, kept from the loss pass for the gradient pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Compute(StepEntry[] entries, LearnerSpec spec, SlotSettings settings, ReadOnlySpan<float> logits,
        ReadOnlySpan<float> logp, ReadOnlySpan<float> probs, int R, int K, Span<float> gradient, Span<float> scratch)
    {
        int P = entries.Length;
        var stats = new double[5 * P];
        Span<float> grad = stackalloc float[K];
        Span<float> logStudent = stackalloc float[K];
        Span<float> studentProbs = stackalloc float[K];
        bool anyLabels = false, anyDistill = false;
        foreach (var e in entries) { anyLabels |= e.Labeled.Count > 0; anyDistill |= e.Replayed > 0; }
        float negLogK = (float)-Math.Log(K);
        float[]? logTeacher = null;
        DistillationBatch? logTeacherOf = null;
        for (int p = 0; p < P; p++)
        {
            var e = entries[p];
            var own = e.State.Spec;
            var labels = e.Labels.Span;
            int L = e.Labeled.Count, q = e.Replayed;
            float count = Math.Max(1, L), countD = Math.Max(1, q);
            double a = e.State.DistillationWeight;
            // total = hard without replayed rows, KD without labels, else (1-a')·hard + a'·KD.
            float hardWeight = q == 0 ? 1 : L > 0 ? (float)(1 - a) : 0;
            float kdWeight = q == 0 ? 0 : L > 0 ? (float)a : 1;
            // The gradient of Σ total reaching hard and KD.
            float gradHard = !anyDistill ? 1 : !anyLabels ? 0 : hardWeight, gradKd = !anyDistill ? 0 : !anyLabels ? 1 : kdWeight;
            float hard = 0, meanCe = 0, kd = 0;
            double agreement = 0;
            int corrected = 0, down = 0;
            if (L > 0)
            {
                // Per-slot values went through a float per row before (rows of slots that differ in them).
                double epsilon = settings.SameSmoothing ? settings.Smoothing : (float)own.Smoothing;
                bool uniform = spec.SmoothingConvention == SmoothingConvention.Uniform;
                float scale = (float)(uniform ? 1 - epsilon : 1 - epsilon - epsilon / (K - 1));
                float floor = (float)(uniform ? epsilon / K : epsilon / (K - 1));
                // Slots without self-correction have g = 0, so in a step where others correct their rows stay as they are.
                float g = (float)e.State.GlobalTrust;
                bool correct = settings.AnyCorrection;
                var ce = scratch[..L];
                var targets = scratch.Slice(L, L * K);
                for (int j = 0; j < L; j++)
                {
                    int row = (p * R + e.Labeled[j]) * K;
                    var target = targets.Slice(j * K, K);
                    Targets(labels[e.Labeled[j]], scale, floor, correct, g, negLogK, logp.Slice(row, K), probs.Slice(row, K), target);
                    float c = 0;
                    for (int k = 0; k < K; k++) c += target[k] * logp[row + k];
                    ce[j] = -c;
                    meanCe += ce[j];
                }
                meanCe /= count;
                float minWeight, negLossScale, threshold;
                if (settings.SameCorrection)
                    (minWeight, negLossScale, threshold) = ((float)settings.MinWeight, (float)-settings.LossScale, (float)((1 + settings.MinWeight) / 2));
                else
                {
                    minWeight = (float)own.SelfCorrection.MinWeight;
                    negLossScale = -(float)own.SelfCorrection.LossScale;
                    threshold = minWeight * 0.5f + 0.5f;
                }
                float reference = double.IsNaN(e.State.LossReference) ? meanCe : (float)e.State.LossReference;
                float gradRow = gradHard / count;
                for (int j = 0; j < L; j++)
                {
                    int row = (p * R + e.Labeled[j]) * K;
                    float w = 1;
                    if (correct)
                    {
                        float raw = MathF.Exp(Math.Max(ce[j] - reference, 0) / negLossScale);
                        raw = Math.Min(Math.Max(raw, minWeight), 1);
                        w = (-raw + 1) * -g + 1;
                        if (w < threshold) down++;
                        hard += ce[j] * w;
                    }
                    else hard += ce[j];
                    int label = labels[e.Labeled[j]];
                    var target = targets.Slice(j * K, K);
                    if (correct && ArgMax(target) != label) corrected++;
                    // ce = -Σ t·logp: d/dlogp = -(gradRow·w)·t.
                    float gce = correct ? gradRow * w : gradRow;
                    for (int k = 0; k < K; k++) grad[k] = -gce * target[k];
                    LogSoftmaxBackward(grad, probs.Slice(row, K), gradient.Slice(row, K));
                }
                hard /= count;
            }
            if (q > 0)
            {
                bool same = settings.SameTemperature;
                double T = same ? settings.Temperature : (float)own.Temperature;
                float t2 = same ? (float)(T * T) : (float)T * (float)T;
                var teacher = e.Distill!.TeacherProbabilities.AsSpan(0, q * K);
                // One batch is often replayed to many slots: its log is taken once.
                if (!ReferenceEquals(logTeacherOf, e.Distill))
                {
                    if (logTeacher is null || logTeacher.Length < q * K) logTeacher = new float[Math.Max(q * K, 2 * (logTeacher?.Length ?? 0))];
                    for (int i = 0; i < q * K; i++) logTeacher[i] = MathF.Log(Math.Max(teacher[i], TeacherFloor));
                    logTeacherOf = e.Distill;
                }
                float gradRow = gradKd / countD;
                for (int j = 0; j < q; j++)
                {
                    int row = (p * R + e.Rows + j) * K;
                    var s = logits.Slice(row, K);
                    var t = teacher.Slice(j * K, K);
                    if (T == 1) { logp.Slice(row, K).CopyTo(logStudent); probs.Slice(row, K).CopyTo(studentProbs); }
                    else LogSoftmax(s, (float)T, logStudent, studentProbs);
                    float kl = 0;
                    for (int k = 0; k < K; k++) kl += t[k] * (logTeacher![j * K + k] - logStudent[k]);
                    kd += kl * t2;
                    if (ArgMax(s) == ArgMax(t)) agreement++;
                    // T²·Σ q·(log q − log_softmax(s/T)): d/dlog_softmax = -(gradRow·T²)·q, then / T through s/T.
                    float gkl = gradRow * t2;
                    for (int k = 0; k < K; k++) grad[k] = -(gkl * t[k]);
                    var out_ = gradient.Slice(row, K);
                    LogSoftmaxBackward(grad, studentProbs, out_);
                    if (T != 1) for (int k = 0; k < K; k++) out_[k] /= (float)T;
                }
                kd /= countD;
                agreement /= countD;
            }
            stats[p] = !anyDistill ? hard : !anyLabels ? kd : hard * hardWeight + kd * kdWeight;
            stats[P + p] = meanCe;
            stats[2 * P + p] = corrected;
            stats[3 * P + p] = down;
            stats[4 * P + p] = agreement;
        }
        return stats;
    }

    // The smoothed one-hot target of a label, self-corrected toward the model's own prediction with trust
    // ε = g·(1 − H(p)/log K) when the step corrects (as LabelSmoothing.Targets, SelfCorrection.ExampleTrust and Correct).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Targets(int label, float scale, float floor, bool correct, float g, float negLogK, ReadOnlySpan<float> logp,
        ReadOnlySpan<float> probs, Span<float> target)
    {
        for (int k = 0; k < target.Length; k++) target[k] = (k == label ? scale : 0) + floor;
        if (!correct) return;
        float plogp = 0;
        for (int k = 0; k < logp.Length; k++) plogp += probs[k] * logp[k];
        float eps = (-plogp / negLogK + 1) * g;
        float keep = -eps + 1;
        for (int k = 0; k < target.Length; k++) target[k] = target[k] * keep + probs[k] * eps;
    }

    // log_softmax(s/T) and its exp, as ATen computes the last dimension: (x − max) − log Σ exp(x − max).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogSoftmax(ReadOnlySpan<float> s, float temperature, Span<float> logp, Span<float> probs)
    {
        float max = float.NegativeInfinity;
        for (int k = 0; k < s.Length; k++) max = MathF.Max(max, s[k] / temperature);
        float sum = 0;
        for (int k = 0; k < s.Length; k++) sum += MathF.Exp(s[k] / temperature - max);
        float log = MathF.Log(sum);
        for (int k = 0; k < s.Length; k++) { logp[k] = s[k] / temperature - max - log; probs[k] = MathF.Exp(logp[k]); }
    }

    // Autograd's log_softmax backward: dx = dy − exp(y)·Σ dy.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogSoftmaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> probs, Span<float> dx)
    {
        float sum = 0;
        for (int k = 0; k < dy.Length; k++) sum += dy[k];
        for (int k = 0; k < dy.Length; k++) dx[k] = dy[k] - probs[k] * sum;
    }

    // The first largest index, NaN counting as largest: torch's argmax.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int k = 1; k < v.Length; k++) if (!float.IsNaN(v[best]) && (float.IsNaN(v[k]) || v[k] > v[best])) best = k;
        return best;
    }
}
