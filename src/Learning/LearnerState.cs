using StreamLabel.Learning.Drift;
using StreamLabel.Learning.Regularization;

namespace StreamLabel.Learning;

/// <summary>
/// The plain C# side of a learner around its tensors: drift detector, maturity, loss reference, boost, prequential
/// metrics and counters, with the decisions a test-then-train step takes on them. Shared by <see cref="OnlineLearner"/>
/// and every slot of a <see cref="Bank.ModelBank"/>, so both decide alike and snapshot the same bytes.
/// </summary>
internal sealed class LearnerState(LearnerSpec spec)
{
    /// <summary>The learner's spec: its regularizer settings are the step's for this slot (bank slots may differ in them).</summary>
    public LearnerSpec Spec => spec;


    public DriftDetector? Detector { get; } = DriftDetector.Create(spec.DriftDetector);
    public StreamMaturity Maturity { get; } = new(spec.SelfCorrection.MaturityEvents);
    public PrequentialMetrics Metrics { get; } = new();
    public double LossReference { get; private set; } = double.NaN;
    public double BoostAtDrift { get; private set; } = 1;
    public long Seen, Labeled, PredictedCorrectly, Learned, Distilled, Corrected, DownWeighted, Drifts;

    /// <summary>Steps not taken because their loss was NaN or infinite; not in the snapshot (its bytes stay as they are).</summary>
    public long StepsSkipped;

    /// <summary>Global trust g of self-correction now (0 when it is disabled).</summary>
    public double GlobalTrust => spec.SelfCorrection.Enabled ? SelfCorrection.GlobalTrust(Maturity.Value, spec.SelfCorrection.ExpBase) : 0;

    /// <summary>Learning-rate multiplier of the next step: the drift boost, decaying as the new concept matures.</summary>
    public double RateScale => 1 + (BoostAtDrift - 1) * (1 - Maturity.Value);

    /// <summary>
    /// Weight a' of the distillation term: with self-correction on, the teacher is trusted as much as the student
    /// trusts itself, so right after a drift (g ≈ 0) a teacher still fitted to the old concept does not pull it back.
    /// </summary>
    public double DistillationWeight => spec.DistillationWeight * (spec.SelfCorrection.Enabled ? GlobalTrust : 1);

    /// <summary>
    /// Scores the labeled rows' predictions (made before learning); prequential steps feed metrics and the detector,
    /// and a drift resets maturity (with the boost set from the maturity it ended) before the step learns.
    /// </summary>
    public (int Correct, bool Drift) Score(ReadOnlySpan<int> predicted, ReadOnlySpan<int> labels, List<int> labeled, bool prequential)
    {
        int correct = 0;
        bool drift = false;
        foreach (int i in labeled)
        {
            bool hit = predicted[i] == labels[i];
            if (hit) correct++;
            if (!prequential) continue;
            Metrics.Add(hit);
            if (Detector is not null && Detector.Update(hit ? 0 : 1)) drift = true;
        }
        if (prequential) { Seen += predicted.Length; Labeled += labeled.Count; PredictedCorrectly += correct; }
        if (drift)
        {
            // A drift that ends a long stable stretch (high maturity) gets the full boost; frequent small drifts little.
            BoostAtDrift = 1 + (spec.DriftBoost - 1) * Maturity.Value;
            Drifts++;
            Maturity.Reset();
        }
        return (correct, drift);
    }

    /// <summary>Bookkeeping after a learning step: counters, the loss reference's moving average, maturity.</summary>
    public void AfterLearning(int labeled, int distilled, int corrected, int downWeighted, double meanLoss)
    {
        Learned += labeled; Distilled += distilled; Corrected += corrected; DownWeighted += downWeighted;
        if (labeled == 0) return;
        LossReference = double.IsNaN(LossReference) ? meanLoss : LossReference + spec.SelfCorrection.LossAverageRate * (meanLoss - LossReference);
        Maturity.Advance(labeled);
    }

    public LearnerCounters Counters(long version) => new()
    {
        EventsSeen = Seen, EventsLabeled = Labeled, PredictedCorrectly = PredictedCorrectly, EventsLearned = Learned,
        DistilledSamples = Distilled, LabelsCorrected = Corrected, SamplesDownWeighted = DownWeighted,
        DriftsDetected = Drifts, Steps = version, StepsSkipped = StepsSkipped,
    };

    /// <summary>Row indices with a label; throws naming the row when a label is out of range.</summary>
    public static List<int> LabeledRows(ReadOnlySpan<int> labels, int rows, int classCount, string name = "labels")
    {
        if (labels.Length != rows) throw new ArgumentException($"{name} has {labels.Length} values, expected {rows}", name);
        var labeled = new List<int>(rows);
        for (int i = 0; i < rows; i++)
        {
            if (labels[i] >= classCount || labels[i] < -1) throw new ArgumentOutOfRangeException(name, labels[i], $"label at row {i} must be -1 (none) or a class index in [0, {classCount})");
            if (labels[i] >= 0) labeled.Add(i);
        }
        return labeled;
    }

    /// <summary>Throws naming the field when a distillation batch does not fit width × K.</summary>
    public static void CheckDistillation(DistillationBatch distill, int width, int classCount, string name = "distill")
    {
        int q = distill.Rows;
        if (q <= 0) throw new ArgumentException("DistillationBatch.Rows must be > 0", name);
        if (distill.Features.Length != q * width) throw new ArgumentException($"DistillationBatch.Features has {distill.Features.Length} values, expected Rows×F = {q}×{width}", name);
        if (distill.TeacherProbabilities.Length != q * classCount) throw new ArgumentException($"DistillationBatch.TeacherProbabilities has {distill.TeacherProbabilities.Length} values, expected Rows×K = {q}×{classCount}", name);
    }

    /// <summary>Argmax class per row of row-major probabilities (ties: the lowest class).</summary>
    public static int[] ArgMax(ReadOnlySpan<float> probabilities, int rows, int classCount)
    {
        var predicted = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var p = probabilities.Slice(r * classCount, classCount);
            int best = 0;
            for (int c = 1; c < classCount; c++) if (p[c] > p[best]) best = c;
            predicted[r] = best;
        }
        return predicted;
    }

    /// <summary>Maturity, loss reference, boost, detector, metrics and counters, in the learner snapshot's order.</summary>
    public void Write(BinaryWriter w)
    {
        Maturity.Write(w);
        w.Write(LossReference);
        w.Write(BoostAtDrift);
        w.Write(Detector is not null);
        Detector?.Write(w);
        Metrics.Write(w);
        foreach (long c in (long[])[Seen, Labeled, PredictedCorrectly, Learned, Distilled, Corrected, DownWeighted, Drifts]) w.Write(c);
    }

    public void Read(BinaryReader r)
    {
        Maturity.Read(r);
        LossReference = r.ReadDouble();
        BoostAtDrift = r.ReadDouble();
        bool hasDetector = r.ReadBoolean();
        if (hasDetector != (Detector is not null)) throw new InvalidDataException("snapshot detector does not match its spec");
        Detector?.Read(r);
        Metrics.Read(r);
        Seen = r.ReadInt64(); Labeled = r.ReadInt64(); PredictedCorrectly = r.ReadInt64();
        Learned = r.ReadInt64(); Distilled = r.ReadInt64(); Corrected = r.ReadInt64();
        DownWeighted = r.ReadInt64(); Drifts = r.ReadInt64();
    }
}
