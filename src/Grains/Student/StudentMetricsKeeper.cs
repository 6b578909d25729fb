using StreamLabel.Grains.Telemetry;
using StreamLabel.Learning;
using StreamLabel.Learning.Tuning;

namespace StreamLabel.Grains.Student;

/// <summary>
/// Keeps what operators see of one student — the persisted <see cref="StudentHistory"/> (series, drifts, clean-label
/// accuracy, loss and teacher figures, counts), the prequential window and the event rate — and feeds the silo's
/// meters. The only writer of the history, so its rules (EMA rate, caps, series spacing) live in one place.
/// </summary>
internal sealed class StudentMetricsKeeper(StudentHistory history, StudentOptions options, StreamLabelMetrics meters)
{
    private const double Smoothing = 0.05; // EMA rate of the loss and teacher-agreement figures
    private const int MaxDrifts = 100;
    private readonly RateMeter _rate = new();
    private PrequentialMetrics _quality = new(options.WindowSize);
    private long _labeledSinceSeries;

    /// <summary>The history to persist (replaced by <see cref="StartNewModel"/>).</summary>
    public StudentHistory History { get; private set; } = history;

    public double WindowAccuracy => _quality.WindowAccuracy;

    /// <summary>A new spec starts a new model: a fresh series and window; drifts and dead letters are the key's, kept.</summary>
    public StudentHistory StartNewModel()
    {
        History = new StudentHistory { Drifts = History.Drifts, DeadLettered = History.DeadLettered };
        _quality = new PrequentialMetrics(options.WindowSize);
        return History;
    }

    public void DeadLettered() => History.DeadLettered++;

    public void PredictionPublished()
    {
        History.PredictionsPublished++;
        meters.PredictionsPublished.Add(1);
    }

    public void TeacherAnswered(int teacherVersion) => History.TeacherVersion = teacherVersion;

    public void WarmStarted(int rows) => History.WarmStartRows = rows;

    /// <summary>Scores one prediction against its reference label; <paramref name="clean"/> when that is the clean label.</summary>
    public bool Score(int predicted, int reference, bool clean)
    {
        bool hit = predicted == reference;
        _quality.Add(hit);
        if (clean) { History.CleanScored++; if (hit) History.CleanCorrect++; }
        return hit;
    }

    /// <summary>Folds one step into the history and the meters; <paramref name="counters"/> are the learner's after it.</summary>
    public void Record(PrequentialResult result, int rows, int correct, LearnerCounters counters, DateTimeOffset now, TuningStatus? tuning = null)
    {
        var h = History;
        _rate.Add(rows, now);
        if (!double.IsNaN(result.Loss)) h.LossAverage = double.IsNaN(h.LossAverage) ? result.Loss : h.LossAverage + Smoothing * (result.Loss - h.LossAverage);
        if (result.TeacherAgreement is double agreement)
            h.TeacherAgreement = double.IsNaN(h.TeacherAgreement) ? agreement : h.TeacherAgreement + Smoothing * (agreement - h.TeacherAgreement);
        if (result.DriftDetected)
        {
            h.Drifts.Add(new DriftEvent(counters.EventsSeen, now, result.DriftDetector ?? "drift"));
            if (h.Drifts.Count > MaxDrifts) h.Drifts.RemoveAt(0);
            meters.Drifts.Add(1);
        }
        meters.EventsSeen.Add(rows);
        meters.EventsLearned.Add(result.Labeled);
        meters.CorrectPredictions.Add(correct);
        meters.Corrections.Add(result.Corrected);
        meters.DownWeights.Add(result.DownWeighted);

        _labeledSinceSeries += result.Labeled;
        if (_labeledSinceSeries < options.SeriesEveryEvents) return;
        _labeledSinceSeries = 0;
        h.Series.Add(new AccuracyPoint(counters.EventsSeen, now, Finite(_quality.WindowAccuracy), Finite(h.LossAverage),
            counters.EventsLearned == 0 ? 0 : (double)counters.LabelsCorrected / counters.EventsLearned, Known(h.TeacherAgreement),
            tuning is null ? null : ArmRewards(tuning)));
        if (h.Series.Count > options.SeriesPoints) h.Series.RemoveAt(0);
    }

    /// <summary>The operator view of the model. Accuracy is against the clean label when events carry one (replays with
    /// injected noise), else against the label.</summary>
    public ModelMetrics View(string key, LearnerCounters counters, IReadOnlyDictionary<string, long> applied, int modelVersion,
        int? liveTeacherVersion, double? stalenessSeconds, string silo, DateTimeOffset now, TuningStatus? tuning = null,
        (double Advantage, double Weight)? teaching = null)
    {
        var h = History;
        double accuracy = h.CleanScored > 0 ? (double)h.CleanCorrect / h.CleanScored : counters.Accuracy;
        return new ModelMetrics(
            key, counters.EventsSeen, counters.EventsLearned, Finite(accuracy), Finite(_quality.WindowAccuracy), Finite(h.LossAverage),
            counters.LabelsCorrected, counters.SamplesDownWeighted, h.Drifts.ToList(), Known(h.TeacherAgreement), stalenessSeconds,
            _rate.PerSecond(now), new Dictionary<string, long>(applied), modelVersion, liveTeacherVersion ?? h.TeacherVersion,
            h.Series.ToList(), silo, tuning is null ? null : new ModelTuning(tuning.ServedArm, tuning.Switches, tuning.Events,
                tuning.Arms.Select(a => new ArmMetrics(a.Name, Known(a.Reward), a.Score, a.Live, a.Version)).ToList()),
            teaching?.Advantage, teaching?.Weight, h.WarmStartRows);
    }

    // Arms without a reward yet are left out of the point.
    private static Dictionary<string, double> ArmRewards(TuningStatus tuning) =>
        tuning.Arms.Where(a => double.IsFinite(a.Reward)).ToDictionary(a => a.Name, a => Math.Round(a.Reward, 4));

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static double? Known(double value) => double.IsFinite(value) ? value : null;
}
