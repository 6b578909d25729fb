using Orleans.Runtime;
using StreamLabel.Grains;

namespace StreamLabel.Client.Tests.TestGrains;

/// <summary>
/// Test-only IStudentGrain (the lead's StudentGrain replaces it once it lands on main): test-then-train on the events it
/// is fed, with prequential accuracy against the clean label, a windowed series, confident-disagreement corrections,
/// a slower "teacher" model for agreement, and a window-drop drift detector. Every number comes from the events.
/// </summary>
public sealed class TestStudentGrain(ILocalSiloDetails silo) : Grain, IStudentGrain, ITestStudentFeed
{
    private const int Window = 300, PointEvery = 100, DriftWindow = 100, DriftCheckEvery = 25;
    private ModelSpec? _spec;
    private int _version;
    private OnlineSoftmax? _model, _teacher;
    private long _seen, _learned, _correct, _corrections, _downWeights;
    private double _lossSum;
    private readonly Queue<(bool Correct, double Loss, bool Corrected, bool Agree)> _window = new();
    private readonly Queue<bool> _recentCorrect = new();
    private readonly List<AccuracyPoint> _series = [];
    private readonly List<DriftEvent> _drifts = [];
    private readonly Dictionary<string, long> _offsets = [];
    private readonly Queue<(DateTimeOffset At, int Count)> _recent = new();
    private double _bestWindow;
    private long _lastDrift;

    public async Task ObserveAsync(ObservedBatch batch)
    {
        if (_seen == 0) await GrainFactory.GetGrain<IModelRegistryGrain>(0).RegisterAsync(this.GetPrimaryKeyString(), _spec?.TeacherGroup);
        _offsets[$"{batch.Topic}/{batch.Partition}"] = batch.LastOffset;
        _recent.Enqueue((DateTimeOffset.UtcNow, batch.Features.Length));
        for (int i = 0; i < batch.Features.Length; i++) Observe(batch.Features[i], batch.Labels[i], batch.CleanLabels[i]);
    }

    private void Observe(float[] x, string? label, string? clean)
    {
        _seen++;
        if (_spec is null || _model is null || _teacher is null || x.Length != _spec.FeatureCount) return;
        int y = IndexOf(label), truth = IndexOf(clean ?? label);
        if (y < 0 || truth < 0) return;
        var p = _model.Predict(x);
        int predicted = OnlineSoftmax.ArgMax(p);
        bool agree = OnlineSoftmax.ArgMax(_teacher.Predict(x)) == predicted;
        bool corrected = p[predicted] > 0.9 && predicted != y && _spec.SelfCorrection;
        double loss = -Math.Log(Math.Max(1e-9, p[y]));
        if (predicted == truth) _correct++;
        _lossSum += loss;
        if (corrected) { _corrections++; _downWeights++; }
        _model.Learn(x, y, corrected ? 0.3 : 1.0);
        _teacher.Learn(x, y, 1.0);
        _learned++;
        _window.Enqueue((predicted == truth, loss, corrected, agree));
        if (_window.Count > Window) _window.Dequeue();
        _recentCorrect.Enqueue(predicted == truth);
        if (_recentCorrect.Count > DriftWindow) _recentCorrect.Dequeue();
        if (_learned % DriftCheckEvery == 0) CheckDrift();
        if (_learned % PointEvery == 0) AddPoint();
    }

    // Drift: the short-window accuracy falls well below its best since the last drift.
    private void CheckDrift()
    {
        if (_recentCorrect.Count < DriftWindow) return;
        double acc = _recentCorrect.Count(c => c) / (double)_recentCorrect.Count;
        if (_learned - _lastDrift > 4 * DriftWindow && acc < _bestWindow - 0.25)
        {
            _drifts.Add(new DriftEvent(_seen, DateTimeOffset.UtcNow, "window-drop"));
            _lastDrift = _learned;
            _bestWindow = acc;
        }
        else if (_learned - _lastDrift > DriftWindow) _bestWindow = Math.Max(_bestWindow, acc);
    }

    private void AddPoint()
    {
        double acc = WindowAccuracy();
        _series.Add(new AccuracyPoint(_seen, DateTimeOffset.UtcNow, acc, _window.Average(w => w.Loss),
            _window.Count(w => w.Corrected) / (double)_window.Count, _window.Count(w => w.Agree) / (double)_window.Count));
        if (_series.Count > 500) _series.RemoveAt(0);
    }

    private double WindowAccuracy() => _window.Count == 0 ? 0 : _window.Count(w => w.Correct) / (double)_window.Count;

    private int IndexOf(string? label) => label is null || _spec is null ? -1 : _spec.Classes.ToList().IndexOf(label);

    public Task<ModelMetrics> GetMetricsAsync()
    {
        var cutoff = DateTimeOffset.UtcNow.AddSeconds(-5);
        while (_recent.Count > 0 && _recent.Peek().At < cutoff) _recent.Dequeue();
        double rate = _recent.Sum(r => r.Count) / 5.0;
        return Task.FromResult(new ModelMetrics(this.GetPrimaryKeyString(), _seen, _learned,
            _learned == 0 ? 0 : _correct / (double)_learned, WindowAccuracy(), _learned == 0 ? 0 : _lossSum / _learned,
            _corrections, _downWeights, _drifts.ToList(), _window.Count == 0 ? 0 : _window.Count(w => w.Agree) / (double)_window.Count,
            _spec?.TeacherGroup is null ? null : 0.0, rate, new Dictionary<string, long>(_offsets), _version,
            _spec?.TeacherGroup is null ? null : 1, _series.ToList(), silo.SiloAddress.ToParsableString()));
    }

    public Task<Prediction> PredictAsync(float[] features)
    {
        if (_spec is null || _model is null) throw new InvalidOperationException($"model '{this.GetPrimaryKeyString()}' has no spec");
        if (features.Length != _spec.FeatureCount) throw new ArgumentException($"expected {_spec.FeatureCount} features, got {features.Length}", nameof(features));
        var p = _model.Predict(features);
        return Task.FromResult(new Prediction(this.GetPrimaryKeyString(), p.Select(v => (float)v).ToArray(), _spec.Classes[OnlineSoftmax.ArgMax(p)], _version, null));
    }

    public Task<ModelSpec?> GetSpecAsync() => Task.FromResult(_spec);

    public async Task<ModelSpec> SetSpecAsync(ModelSpec spec)
    {
        if (_spec is not null && (spec with { Version = _spec.Version }) == _spec && spec.Classes.SequenceEqual(_spec.Classes) && spec.HiddenLayers.SequenceEqual(_spec.HiddenLayers))
            return _spec;
        _version++;
        _spec = spec with { Version = _version };
        _model = new OnlineSoftmax(spec.FeatureCount, spec.Classes.Count, spec.LearningRate);
        _teacher = new OnlineSoftmax(spec.FeatureCount, spec.Classes.Count, spec.LearningRate / 4);
        await GrainFactory.GetGrain<IModelRegistryGrain>(0).RegisterAsync(this.GetPrimaryKeyString(), spec.TeacherGroup);
        return _spec;
    }
}
