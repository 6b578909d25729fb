using System.Diagnostics.Metrics;
using StreamLabel.Learning.Bank;

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
    public const string TeacherPullLatencyName = "streamlabel.teacher.pull_latency";
    public const string PersistName = "streamlabel.student.persist";
    private readonly Meter _meter;
    private readonly BankSchedulerSet _bank;

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
    /// <summary>One student's round trip with its teacher (forward rows, then soft targets), successful or not.</summary>
    public Histogram<double> TeacherPullMilliseconds { get; }
    /// <summary>One write of a student's model and applied offsets to grain storage.</summary>
    public Histogram<double> PersistMilliseconds { get; }
    /// <summary>Windowed accuracy per key, for a bounded number of keys.</summary>
    public KeyAccuracyGauge KeyAccuracy { get; }

    public StreamLabelMetrics(IMeterFactory factory, BankSchedulerSet bank, Microsoft.Extensions.Options.IOptions<Student.StudentOptions> options)
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
        TeacherPullMilliseconds = _meter.CreateHistogram<double>(TeacherPullLatencyName, "ms", "A student's soft-target pull from its teacher, forward and answer");
        PersistMilliseconds = _meter.CreateHistogram<double>(PersistName, "ms", "Writing a student's model and applied offsets to grain storage");
        // The bank's own clock, read at collection: busy time over steps is the mean bank step time.
        _bank = bank;
        KeyAccuracy = new KeyAccuracyGauge(_meter, options.Value.KeyMetrics);
        _meter.CreateObservableCounter("streamlabel.bank.busy_time", BankBusySeconds, "s", "Time the silo's model bank workers spent in rounds");
        _meter.CreateObservableCounter("streamlabel.bank.steps", BankSteps, "{step}", "Batched steps of the silo's model banks (each steps many students)");
    }

    private double BankBusySeconds() => _bank.BusyTime.TotalSeconds;

    private long BankSteps() => _bank.BankSteps;

    public void Dispose() => _meter.Dispose();
}
