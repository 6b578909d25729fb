using StreamLabel.Learning;

namespace StreamLabel.Grains.Student;

public sealed partial class StudentGrain
{
    private const double Smoothing = 0.05; // EMA rate of the loss and teacher-agreement figures

    /// <summary>Folds one step into the operator-facing history and the silo's meters.</summary>
    private void Record(PrequentialResult result, int rows, int correct, DateTimeOffset now)
    {
        var h = state.State.History;
        _rate.Add(rows, now);
        if (!double.IsNaN(result.Loss)) h.LossAverage = double.IsNaN(h.LossAverage) ? result.Loss : h.LossAverage + Smoothing * (result.Loss - h.LossAverage);
        if (result.TeacherAgreement is double agreement)
            h.TeacherAgreement = double.IsNaN(h.TeacherAgreement) ? agreement : h.TeacherAgreement + Smoothing * (agreement - h.TeacherAgreement);
        if (result.DriftDetected)
        {
            h.Drifts.Add(new DriftEvent(_learner!.Counters.EventsSeen, now, result.DriftDetector ?? "drift"));
            if (h.Drifts.Count > 100) h.Drifts.RemoveAt(0);
            meters.Drifts.Add(1);
        }
        meters.EventsSeen.Add(rows);
        meters.EventsLearned.Add(result.Labeled);
        meters.CorrectPredictions.Add(correct);
        meters.Corrections.Add(result.Corrected);
        meters.DownWeights.Add(result.DownWeighted);

        _labeledSinceSeries += result.Labeled;
        if (_labeledSinceSeries < _options.SeriesEveryEvents) return;
        _labeledSinceSeries = 0;
        var c = _learner!.Counters;
        h.Series.Add(new AccuracyPoint(c.EventsSeen, now, Finite(_quality.WindowAccuracy), Finite(h.LossAverage),
            c.EventsLearned == 0 ? 0 : (double)c.LabelsCorrected / c.EventsLearned, Known(h.TeacherAgreement)));
        if (h.Series.Count > _options.SeriesPoints) h.Series.RemoveAt(0);
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static double? Known(double value) => double.IsFinite(value) ? value : null;

    public Task<ModelMetrics> GetMetricsAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var h = state.State.History;
        var c = _learner?.Counters ?? new LearnerCounters();
        double? staleness = _distillation?.TargetsAt is DateTimeOffset at ? (now - at).TotalSeconds : null;
        // Accuracy is measured against the clean label when events carry one (replays with injected noise), else the label.
        double accuracy = h.CleanScored > 0 ? (double)h.CleanCorrect / h.CleanScored : c.Accuracy;
        return Task.FromResult(new ModelMetrics(
            Key, c.EventsSeen, c.EventsLearned, Finite(accuracy), Finite(_quality.WindowAccuracy), Finite(h.LossAverage),
            c.LabelsCorrected, c.SamplesDownWeighted, h.Drifts.ToList(), Known(h.TeacherAgreement), staleness,
            _rate.PerSecond(now), new Dictionary<string, long>(_ledger.Applied), (int)Math.Min(int.MaxValue, _learner?.Version ?? 0),
            _distillation?.TeacherVersion ?? h.TeacherVersion, h.Series.ToList(), silo.SiloAddress.ToString()));
    }
}
