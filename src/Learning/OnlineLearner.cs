using StreamLabel.Learning.Drift;
using StreamLabel.Learning.Model;
using StreamLabel.Learning.Regularization;
using StreamLabel.Learning.Snapshots;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning;

/// <summary>
/// The learning core as one object: an <see cref="OnlineClassifier"/> plus label smoothing, self-correction,
/// distillation and a drift detector, with counters of every decision. Synchronous and single-threaded by design:
/// each step opens and closes its own dispose scope, so never call it across an await in the middle of a step
/// (there is none inside), and do not call one instance from two threads at once.
/// </summary>
public sealed class OnlineLearner : IDisposable
{
    private const int Magic = 0x314C4C53; // "SLL1"
    private const int FormatVersion = 1;

    private readonly OnlineClassifier _model;
    private readonly DriftDetector? _detector;
    private readonly StreamMaturity _maturity;
    private double _lossReference = double.NaN;
    private double _boostAtDrift = 1;
    private long _seen, _labeled, _predictedCorrectly, _learned, _distilled, _corrected, _downWeighted, _drifts;

    public OnlineLearner(LearnerSpec spec)
    {
        Spec = (spec ?? throw new ArgumentNullException(nameof(spec))).Validate();
        _model = new OnlineClassifier(spec.FeatureCount, spec.ClassCount, spec.HiddenLayers, spec.Optimizer,
            spec.LearningRate, spec.WeightDecay, spec.Seed, spec.Device);
        _detector = Drift.DriftDetector.Create(spec.DriftDetector);
        _maturity = new StreamMaturity(spec.SelfCorrection.MaturityEvents);
    }

    public LearnerSpec Spec { get; }

    /// <summary>"cuda" or "cpu": the device actually used (CUDA only when requested/auto and available).</summary>
    public string Device => _model.DeviceName;

    /// <summary>Model version = learning steps applied.</summary>
    public long Version => _model.Version;

    /// <summary>Prequential accuracy on the given labels (cumulative and last 500).</summary>
    public PrequentialMetrics Metrics { get; } = new();

    /// <summary>Maturity in [0, 1): 1 - exp(-n/τ), n = labeled events learned since the last drift.</summary>
    public double Maturity => _maturity.Value;

    /// <summary>Global trust g of self-correction now (0 when it is disabled).</summary>
    public double GlobalTrust => Spec.SelfCorrection.Enabled ? SelfCorrection.GlobalTrust(_maturity.Value, Spec.SelfCorrection.ExpBase) : 0;

    /// <summary>The classifier underneath (standardizer statistics, version).</summary>
    public OnlineClassifier Classifier => _model;

    public LearnerCounters Counters => new()
    {
        EventsSeen = _seen, EventsLabeled = _labeled, PredictedCorrectly = _predictedCorrectly, EventsLearned = _learned,
        DistilledSamples = _distilled, LabelsCorrected = _corrected, SamplesDownWeighted = _downWeighted,
        DriftsDetected = _drifts, Steps = _model.Version,
    };

    /// <summary>
    /// Predicts the batch (rows × F row-major) before learning, scores labeled rows, feeds their 0/1 errors to the
    /// drift detector (a drift resets maturity before this step learns), then learns with smoothing, self-correction
    /// and, when <paramref name="distill"/> is given, distillation on its rows. Label -1 = no label: predicted only.
    /// </summary>
    public PrequentialResult TestThenTrain(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels, DistillationBatch? distill = null) =>
        Step(features, rows, labels, distill, prequential: true);

    /// <summary>Learns from a labeled batch without scoring it (e.g. replay): no metrics, no drift detector update.</summary>
    public PrequentialResult Learn(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) =>
        Step(features, rows, labels, null, prequential: false);

    /// <summary>Class probabilities rows × K (row-major) without learning.</summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> features, int rows) => _model.Predict(features, rows);

    /// <summary>softmax(logits/T) rows × K: a teacher's soft targets at temperature T, without learning.</summary>
    public float[] SoftTargets(ReadOnlySpan<float> features, int rows, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "must be > 0");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return OnlineClassifier.ToArray(DistillationLoss.TeacherTargets(_model.Forward(_model.Input(features, rows)), temperature));
    }

    private PrequentialResult Step(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels, DistillationBatch? distill, bool prequential)
    {
        int k = Spec.ClassCount, f = Spec.FeatureCount;
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be > 0");
        if (features.Length != rows * f) throw new ArgumentException($"features has {features.Length} values, expected rows×features = {rows}×{f}", nameof(features));
        if (labels.Length != rows) throw new ArgumentException($"labels has {labels.Length} values, expected {rows}", nameof(labels));
        var labeled = new List<int>(rows);
        for (int i = 0; i < rows; i++)
        {
            if (labels[i] >= k || labels[i] < -1) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"label at row {i} must be -1 (none) or a class index in [0, {k})");
            if (labels[i] >= 0) labeled.Add(i);
        }
        int q = distill?.Rows ?? 0;
        if (distill is not null)
        {
            if (q <= 0) throw new ArgumentException("DistillationBatch.Rows must be > 0", nameof(distill));
            if (distill.Features.Length != q * f) throw new ArgumentException($"DistillationBatch.Features has {distill.Features.Length} values, expected Rows×F = {q}×{f}", nameof(distill));
            if (distill.TeacherProbabilities.Length != q * k) throw new ArgumentException($"DistillationBatch.TeacherProbabilities has {distill.TeacherProbabilities.Length} values, expected Rows×K = {q}×{k}", nameof(distill));
        }

        // Features are known at prediction time, so folding them into the standardizer first leaks no label.
        _model.Standardizer.Update(features, rows);
        float[]? all = null;
        if (q > 0)
        {
            all = new float[(rows + q) * f];
            features.CopyTo(all);
            distill!.Features.CopyTo(all, rows * f);
        }
        int L = labeled.Count;
        bool learn = L > 0 || q > 0;

        using var scope = NewDisposeScope();
        var x = all is null ? _model.Input(features, rows) : _model.Input(all, rows + q);
        Tensor logits;
        using (var _ = learn ? null : no_grad()) logits = _model.Forward(x);
        var s = q > 0 ? logits.narrow(0, 0, rows) : logits;
        var logp = nn.functional.log_softmax(s.detach(), 1);
        var probs = OnlineClassifier.ToArray(logp.exp());
        var predicted = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (probs[r * k + c] > probs[r * k + best]) best = c;
            predicted[r] = best;
        }

        int correct = 0;
        bool drift = false;
        foreach (int i in labeled)
        {
            bool hit = predicted[i] == labels[i];
            if (hit) correct++;
            if (!prequential) continue;
            Metrics.Add(hit);
            if (_detector is not null && _detector.Update(hit ? 0 : 1)) drift = true;
        }
        if (prequential) { _seen += rows; _labeled += L; _predictedCorrectly += correct; }
        if (drift)
        {
            // A drift that ends a long stable stretch (high maturity) gets the full boost; frequent small drifts little.
            _boostAtDrift = 1 + (Spec.DriftBoost - 1) * _maturity.Value;
            _drifts++;
            _maturity.Reset();
        }

        if (!learn)
            return new PrequentialResult(probs, predicted, L, correct, double.NaN, 0, 0, drift, drift ? _detector!.Name : null, null, Version);

        var sc = Spec.SelfCorrection;
        double g = GlobalTrust;
        var zero = torch.zeros(1, dtype: ScalarType.Float64, device: _model.Device);
        Tensor? hard = null, meanCe = null, corrected = null, down = null, agreement = null;
        if (L > 0)
        {
            Tensor sL = s, logpL = logp;
            var y = new long[L];
            for (int j = 0; j < L; j++) y[j] = labels[labeled[j]];
            if (L < rows)
            {
                var index = torch.tensor(labeled.Select(i => (long)i).ToArray()).to(_model.Device);
                sL = s.index_select(0, index);
                logpL = logp.index_select(0, index);
            }
            var yT = torch.tensor(y).to(_model.Device);
            var targets = LabelSmoothing.Targets(yT, k, Spec.Smoothing, Spec.SmoothingConvention);
            if (sc.Enabled)
                targets = SelfCorrection.Correct(targets, logpL.exp(), SelfCorrection.ExampleTrust(logpL, g));
            var ce = SoftTargetLoss.PerSample(sL, targets);
            meanCe = ce.detach().mean();
            if (sc.Enabled)
            {
                if (double.IsNaN(_lossReference)) _lossReference = meanCe.ToDouble();
                var w = SelfCorrection.Weights(ce.detach(), _lossReference, g, sc.MinWeight, sc.LossScale);
                hard = ce.mul(w).mean();
                corrected = targets.argmax(1).ne(yT).sum();
                using var midpoint = Scalars.Of((1 + sc.MinWeight) / 2);
                down = w.lt(midpoint).sum();
            }
            else hard = ce.mean();
        }
        Tensor? kd = null;
        if (q > 0)
        {
            var sR = logits.narrow(0, rows, q);
            var teacher = torch.tensor(distill!.TeacherProbabilities, [q, k]).to(_model.Device);
            kd = DistillationLoss.FromProbabilities(sR, teacher, Spec.Temperature);
            agreement = sR.detach().argmax(1).eq(teacher.argmax(1)).to(ScalarType.Float64).mean();
        }
        // With self-correction on, the teacher is trusted as much as the student trusts itself: right after a drift
        // (g ≈ 0) the teacher, still fitted to the old concept, does not pull the student back.
        double a = Spec.DistillationWeight * (sc.Enabled ? g : 1);
        using var aScalar = Scalars.Of(a);
        using var restScalar = Scalars.Of(1 - a);
        var total = hard is null ? kd! : kd is null ? hard : hard.mul(restScalar).add(kd.mul(aScalar));

        // One read-back for all step statistics.
        var stats = OnlineClassifier.ToDoubles(torch.stack([
            total.detach().to(ScalarType.Float64).reshape(1), (meanCe ?? zero).to(ScalarType.Float64).reshape(1),
            (corrected ?? zero).to(ScalarType.Float64).reshape(1), (down ?? zero).to(ScalarType.Float64).reshape(1),
            (agreement ?? zero).to(ScalarType.Float64).reshape(1)]));
        _model.Step(total, 1 + (_boostAtDrift - 1) * (1 - _maturity.Value));

        int nCorrected = (int)stats[2], nDown = (int)stats[3];
        _learned += L; _distilled += q; _corrected += nCorrected; _downWeighted += nDown;
        if (L > 0)
        {
            _lossReference = double.IsNaN(_lossReference) ? stats[1] : _lossReference + sc.LossAverageRate * (stats[1] - _lossReference);
            _maturity.Advance(L);
        }
        return new PrequentialResult(probs, predicted, L, correct, stats[0], nCorrected, nDown, drift,
            drift ? _detector!.Name : null, q > 0 ? stats[4] : null, Version);
    }

    /// <summary>Everything needed to resume bit-exact: spec, weights, optimizer state, standardizer, maturity, detector, metrics, counters.</summary>
    public byte[] Snapshot()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(Magic); w.Write(FormatVersion);
            SpecSerializer.Write(w, Spec);
            _model.Write(w);
            _maturity.Write(w);
            w.Write(_lossReference);
            w.Write(_boostAtDrift);
            w.Write(_detector is not null);
            _detector?.Write(w);
            Metrics.Write(w);
            foreach (long c in (long[])[_seen, _labeled, _predictedCorrectly, _learned, _distilled, _corrected, _downWeighted, _drifts]) w.Write(c);
        }
        return ms.ToArray();
    }

    /// <summary>Rebuilds a learner from <see cref="Snapshot"/> bytes on <paramref name="device"/> ("auto", "cuda", "cpu").</summary>
    public static OnlineLearner Restore(byte[] snapshot, string device = "auto")
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var r = new BinaryReader(new MemoryStream(snapshot));
        if (snapshot.Length < 8 || r.ReadInt32() != Magic) throw new InvalidDataException("not an OnlineLearner snapshot (bad magic)");
        int version = r.ReadInt32();
        if (version != FormatVersion) throw new InvalidDataException($"snapshot format {version} is not supported (expected {FormatVersion})");
        var spec = SpecSerializer.Read(r) with { Device = device };
        var learner = new OnlineLearner(spec);
        try
        {
            learner._model.Read(r);
            learner._maturity.Read(r);
            learner._lossReference = r.ReadDouble();
            learner._boostAtDrift = r.ReadDouble();
            bool hasDetector = r.ReadBoolean();
            if (hasDetector != (learner._detector is not null)) throw new InvalidDataException("snapshot detector does not match its spec");
            learner._detector?.Read(r);
            learner.Metrics.Read(r);
            learner._seen = r.ReadInt64(); learner._labeled = r.ReadInt64(); learner._predictedCorrectly = r.ReadInt64();
            learner._learned = r.ReadInt64(); learner._distilled = r.ReadInt64(); learner._corrected = r.ReadInt64();
            learner._downWeighted = r.ReadInt64(); learner._drifts = r.ReadInt64();
            if (r.BaseStream.Position != snapshot.Length) throw new InvalidDataException("snapshot has trailing bytes");
            return learner;
        }
        catch
        {
            learner.Dispose();
            throw;
        }
    }

    public void Dispose() => _model.Dispose();
}
