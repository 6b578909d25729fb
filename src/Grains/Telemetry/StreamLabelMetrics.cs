using System.Diagnostics.Metrics;

namespace StreamLabel.Grains.Telemetry;

/// <summary>
/// System.Diagnostics.Metrics instruments (meter "StreamLabel"), so OpenTelemetry or dotnet-counters can read them.
/// Tags stay low-cardinality (no model keys): per-model figures are served by grain calls.
/// </summary>
public sealed class StreamLabelMetrics : IDisposable
{
    public const string MeterName = "StreamLabel";
    public const string LearnLatencyName = "streamlabel.student.learn_latency";
    public const string StepName = "streamlabel.student.step";
    private readonly Meter _meter;

    public Counter<long> EventsSeen { get; }
    public Counter<long> EventsLearned { get; }
    public Counter<long> CorrectPredictions { get; }
    public Counter<long> Corrections { get; }
    public Counter<long> DownWeights { get; }
    public Counter<long> Drifts { get; }
    public Counter<long> PredictionsPublished { get; }
    public Counter<long> TeacherPulls { get; }
    public Counter<long> TeacherPullFailures { get; }
    public Histogram<double> StepMilliseconds { get; }
    /// <summary>Event "ts" (producer clock, Unix ms) to the end of the step that learned it; events without "ts" are not recorded.</summary>
    public Histogram<double> LearnLatencyMilliseconds { get; }

    public StreamLabelMetrics(IMeterFactory factory)
    {
        _meter = factory.Create(MeterName);
        EventsSeen = _meter.CreateCounter<long>("streamlabel.events.seen", "{event}", "Events a student received and predicted");
        EventsLearned = _meter.CreateCounter<long>("streamlabel.events.learned", "{event}", "Labeled events a student learned from");
        CorrectPredictions = _meter.CreateCounter<long>("streamlabel.predictions.correct", "{event}", "Prequential predictions that matched the label");
        Corrections = _meter.CreateCounter<long>("streamlabel.labels.corrected", "{event}", "Labels overruled by self-correction");
        DownWeights = _meter.CreateCounter<long>("streamlabel.labels.downweighted", "{event}", "Samples down-weighted as likely noisy");
        Drifts = _meter.CreateCounter<long>("streamlabel.drifts", "{drift}", "Concept drifts detected");
        PredictionsPublished = _meter.CreateCounter<long>("streamlabel.predictions.published", "{event}", "Predictions written to the output topic");
        TeacherPulls = _meter.CreateCounter<long>("streamlabel.teacher.pulls", "{call}", "Soft-target pulls from a teacher");
        TeacherPullFailures = _meter.CreateCounter<long>("streamlabel.teacher.pull_failures", "{call}", "Teacher pulls that failed or timed out");
        StepMilliseconds = _meter.CreateHistogram<double>(StepName, "ms", "Time of one test-then-train micro-batch step");
        LearnLatencyMilliseconds = _meter.CreateHistogram<double>(LearnLatencyName, "ms", "Event timestamp to learned (produce to learn latency)");
    }

    public void Dispose() => _meter.Dispose();
}
