using StreamLabel.Learning.Model;
using StreamLabel.Learning.Regularization;
using StreamLabel.Learning.Snapshots;
using StreamLabel.Learning.Step;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning;

/// <summary>
/// The learning core as one object: an <see cref="OnlineClassifier"/> plus label smoothing, self-correction,
/// distillation and a drift detector, with counters of every decision. Synchronous and single-threaded by design:
/// each step opens and closes its own dispose scope, so never call it across an await in the middle of a step
/// (there is none inside), and do not call one instance from two threads at once.
/// </summary>
public sealed partial class OnlineLearner : IDisposable, IStepModel
{
    internal const int Magic = 0x314C4C53; // "SLL1"
    internal const int FormatVersion = 1;
    internal const int ExtendedFormatVersion = 2; // adds lagged labels and the drift challenger (spec fields and state)


    private OnlineClassifier _model; // replaced when a drift challenger is adopted
    private readonly LearnerState _state;
    private readonly LaggedLabelInput? _lag;

    public OnlineLearner(LearnerSpec spec)
    {
        Spec = (spec ?? throw new ArgumentNullException(nameof(spec))).Validate();
        _lag = spec.LaggedLabels ? new LaggedLabelInput(spec.FeatureCount, spec.ClassCount) : null;
        _model = new OnlineClassifier(_lag?.Width ?? spec.FeatureCount, spec.ClassCount, spec.HiddenLayers, spec.Optimizer,
            spec.LearningRate, spec.WeightDecay, spec.Seed, spec.Device);
        _state = new LearnerState(spec);
    }

    public LearnerSpec Spec { get; }

    /// <summary>
    /// Width of a model input row: F, plus K lagged-label columns with <see cref="LearnerSpec.LaggedLabels"/>. Methods
    /// that take features accept F-wide rows (the learner appends the stream's lagged label) and, except
    /// <see cref="TestThenTrain"/>, also rows this wide (model inputs as the learner saw them, e.g. replayed rows).
    /// </summary>
    public int InputWidth => _lag?.Width ?? Spec.FeatureCount;

    /// <summary>The last observed label of the stream (-1: none yet, or <see cref="LearnerSpec.LaggedLabels"/> is off).</summary>
    public int LastObservedLabel => _lag?.Last ?? -1;

    /// <summary>
    /// The model input rows (rows × <see cref="InputWidth"/>) that F-wide <paramref name="features"/> would get now,
    /// before a <see cref="TestThenTrain"/> with <paramref name="labels"/> (row i sees row i-1's label); no state
    /// changes. Without lagged labels, a copy of the features. A replay buffer keeps these so replay sees the same inputs.
    /// </summary>
    public float[] ModelInputs(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels)
    {
        CheckWidth(features, rows, Spec.FeatureCount, nameof(features));
        if (_lag is null) return features.ToArray();
        var probe = new LaggedLabelInput(Spec.FeatureCount, Spec.ClassCount);
        probe.Restore(_lag.Last);
        return probe.Append(features, rows, labels);
    }

    /// <summary>"cuda" or "cpu": the device actually used (CUDA only when requested/auto and available).</summary>
    public string Device => _model.DeviceName;

    /// <summary>Model version = learning steps applied.</summary>
    public long Version => _model.Version + _versionOffset;

    /// <summary>Prequential accuracy on the given labels (cumulative and last 500).</summary>
    public PrequentialMetrics Metrics => _state.Metrics;

    /// <summary>Maturity in [0, 1): 1 - exp(-n/τ), n = labeled events learned since the last drift.</summary>
    public double Maturity => _state.Maturity.Value;

    /// <summary>Global trust g of self-correction now (0 when it is disabled).</summary>
    public double GlobalTrust => _state.GlobalTrust;

    /// <summary>The classifier underneath (standardizer statistics, version).</summary>
    public OnlineClassifier Classifier => _model;

    public LearnerCounters Counters => _state.Counters(Version);

    /// <summary>
    /// Predicts the batch (rows × F row-major) before learning, scores labeled rows, feeds their 0/1 errors to the
    /// drift detector (a drift resets maturity before this step learns), then learns with smoothing, self-correction
    /// and, when <paramref name="distill"/> is given, distillation on its rows. Label -1 = no label: predicted only.
    /// </summary>
    public PrequentialResult TestThenTrain(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels, DistillationBatch? distill = null)
    {
        int lagBefore = LastObservedLabel;
        var result = Step(features, rows, labels, distill, prequential: true);
        if (Spec.DriftChallengerEvents > 0) StepChallenger(features, rows, labels, lagBefore, result);
        return result;
    }

    /// <summary>Learns from a labeled batch without scoring it (e.g. replay): no metrics, no drift detector update.</summary>
    public PrequentialResult Learn(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) =>
        Step(features, rows, labels, null, prequential: false);

    /// <summary>Class probabilities rows × K (row-major) without learning.</summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> features, int rows) => _model.Predict(Inputs(features, rows), rows);

    /// <summary>softmax(logits/T) rows × K: a teacher's soft targets at temperature T, without learning.</summary>
    public float[] SoftTargets(ReadOnlySpan<float> features, int rows, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "must be > 0");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return OnlineClassifier.ToArray(DistillationLoss.TeacherTargets(_model.Forward(_model.Input(Inputs(features, rows), rows)), temperature));
    }

    // F-wide rows get the current lagged label appended (no state change); InputWidth-wide rows are model inputs already.
    private ReadOnlySpan<float> Inputs(ReadOnlySpan<float> features, int rows)
    {
        if (_lag is null || (rows > 0 && features.Length == rows * _lag.Width)) return features;
        CheckWidth(features, rows, Spec.FeatureCount, nameof(features));
        return _lag.Peek(features, rows);
    }

    private void CheckWidth(ReadOnlySpan<float> features, int rows, int width, string name)
    {
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be > 0");
        if (features.Length != rows * width)
            throw new ArgumentException(_lag is null
                ? $"{name} has {features.Length} values, expected rows×features = {rows}×{width}"
                : $"{name} has {features.Length} values, expected rows×features = {rows}×{Spec.FeatureCount} (or {rows}×{_lag.Width} model inputs with lagged labels)", name);
    }

    private PrequentialResult Step(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels, DistillationBatch? distill, bool prequential)
    {
        int k = Spec.ClassCount, f = InputWidth;
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be > 0");
        // A stream step gets F-wide events; Learn (replay) may also get model inputs that already hold their lagged label.
        if (prequential || _lag is null || features.Length != rows * f) CheckWidth(features, rows, Spec.FeatureCount, nameof(features));
        var labeled = LearnerState.LabeledRows(labels, rows, k, nameof(labels));
        if (distill is not null) LearnerState.CheckDistillation(distill, f, k, nameof(distill));

        // With lagged labels, row i sees the label of the event before it (known before row i is predicted).
        float[] inputs = _lag is not null && features.Length != rows * f
            ? prequential ? _lag.Append(features, rows, labels) : _lag.Peek(features, rows)
            : features.ToArray();
        StepEntry[] entry = [new StepEntry(inputs, rows, labels.ToArray(), distill, labeled, _state, _model.Standardizer)];
        return LearningStep.Run(this, Spec, f, entry, _model.Device, prequential)[0];
    }

    // The learner as a step of one slot: its classifier's forward, autograd's backward, one optimizer step.
    Tensor IStepModel.Forward(ReadOnlySpan<float> inputs, int slots, int rows, int width, bool learn) =>
        _model.Forward(HostTensors.Of(inputs, [rows, width], _model.Device));

    void IStepModel.Update(Tensor logits, Tensor gradient, int[] learners, double[] rateScales) => _model.Step(logits, gradient, rateScales[0]);

    long IStepModel.Version(int p) => Version;

    /// <summary>Everything needed to resume bit-exact: spec, weights, optimizer state, standardizer, maturity, detector, metrics, counters.</summary>
    public byte[] Snapshot()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            bool extended = _lag is not null || Spec.DriftChallengerEvents > 0;
            int format = extended ? ExtendedFormatVersion : FormatVersion; // unchanged bytes when both options are off
            w.Write(Magic); w.Write(format);
            SpecSerializer.Write(w, Spec, format);
            _model.Write(w);
            _state.Write(w);
            if (_lag is not null) w.Write(_lag.Last);
            if (extended) WriteChallenger(w);
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
        if (version is not (FormatVersion or ExtendedFormatVersion))
            throw new InvalidDataException($"snapshot format {version} is not supported (expected {FormatVersion} or {ExtendedFormatVersion})");
        var spec = SpecSerializer.Read(r, version) with { Device = device };
        var learner = new OnlineLearner(spec);
        try
        {
            learner._model.Read(r);
            learner._state.Read(r);
            learner._lag?.Restore(r.ReadInt32());
            if (version == ExtendedFormatVersion) learner.ReadChallenger(r, device);
            if (r.BaseStream.Position != snapshot.Length) throw new InvalidDataException("snapshot has trailing bytes");
            return learner;
        }
        catch
        {
            learner.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _model.Dispose();
        StopChallenger();
    }
}
