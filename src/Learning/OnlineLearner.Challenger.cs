namespace StreamLabel.Learning;

/// <summary>
/// Drift challenger: after a detected drift a fresh "since-drift" learner trains on the same events beside the
/// student; the student adopts its model once it has predicted clearly better since the drift, and drops it after
/// <see cref="LearnerSpec.DriftChallengerEvents"/> labeled events otherwise (a false alarm costs only compute).
/// The usual remedy of adaptive trees and ARF: inverting an old concept takes an MLP far longer than learning the
/// new one from scratch. Costs 2x compute only while a drift is recent.
/// </summary>
public sealed partial class OnlineLearner
{
    // At least 4 batches of 32 before comparing, and 10 accuracy points ahead: a false alarm on a good model is not
    // enough for a fresh learner to win by luck.
    private const int ChallengerMinEvents = 128;
    private const double ChallengerMargin = 0.10;

    private OnlineLearner? _challenger;
    private long _challengerLabeled, _challengerCorrect, _championCorrect, _challengersAdopted, _versionOffset;

    /// <summary>Challengers whose model the student adopted (0 unless <see cref="LearnerSpec.DriftChallengerEvents"/> &gt; 0).</summary>
    public long ChallengersAdopted => _challengersAdopted;

    /// <summary>True while a since-drift challenger trains beside the student.</summary>
    public bool ChallengerActive => _challenger is not null;

    private void StepChallenger(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels, int lagBefore, PrequentialResult result)
    {
        if (result.DriftDetected && _challenger is null) StartChallenger(lagBefore);
        if (_challenger is null) return;
        var r = _challenger.TestThenTrain(features, rows, labels);
        _challengerLabeled += r.Labeled;
        _challengerCorrect += r.Correct;
        _championCorrect += result.Correct;
        if (_challengerLabeled >= ChallengerMinEvents && _challengerCorrect - _championCorrect >= ChallengerMargin * _challengerLabeled)
        {
            // Versions stay monotonic: the adopted model continues from the student's version.
            _versionOffset = Version - _challenger._model.Version;
            (_model, _challenger._model) = (_challenger._model, _model);
            _challengersAdopted++;
            StopChallenger();
        }
        else if (_challengerLabeled >= Spec.DriftChallengerEvents) StopChallenger();
    }

    private void StartChallenger(int lagBefore)
    {
        // Same shape and regularizers; no detector of its own (the student's decides) and no nested challenger.
        _challenger = new OnlineLearner(Spec with { DriftChallengerEvents = 0, DriftDetector = DriftDetectorKind.None, Seed = Spec.Seed + 104729 * (int)(_state.Drifts % 1000) });
        using (var ms = new MemoryStream()) // the feature scale did not drift with the labels: start from the student's
        {
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) _model.Standardizer.Write(w);
            ms.Position = 0;
            using var r = new BinaryReader(ms);
            _challenger._model.Standardizer.Read(r);
        }
        _challenger._lag?.Restore(lagBefore);
        // A drift changes what the features mean for the labels, not the features: keep the learned hidden
        // representation and relearn only the output layer (fresh, with fresh optimizer moments), which is fast.
        _challenger._model.CopyHiddenLayersFrom(_model);
        _challengerLabeled = _challengerCorrect = _championCorrect = 0;
    }

    private void StopChallenger()
    {
        _challenger?.Dispose();
        _challenger = null;
    }

    private void WriteChallenger(BinaryWriter w)
    {
        w.Write(_versionOffset); w.Write(_challengersAdopted);
        w.Write(_challenger is not null);
        if (_challenger is null) return;
        w.Write(_challengerLabeled); w.Write(_challengerCorrect); w.Write(_championCorrect);
        var bytes = _challenger.Snapshot();
        w.Write(bytes.Length); w.Write(bytes);
    }

    private void ReadChallenger(BinaryReader r, string device)
    {
        _versionOffset = r.ReadInt64(); _challengersAdopted = r.ReadInt64();
        if (!r.ReadBoolean()) return;
        _challengerLabeled = r.ReadInt64(); _challengerCorrect = r.ReadInt64(); _championCorrect = r.ReadInt64();
        _challenger = Restore(r.ReadBytes(r.ReadInt32()), device);
    }
}
