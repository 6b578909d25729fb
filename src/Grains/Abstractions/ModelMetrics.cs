namespace StreamLabel.Grains;

/// <summary>A point of a model's windowed accuracy series. TeacherAgreement is null before any distillation.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.accuracy-point.v1")]
public sealed record AccuracyPoint(
    [property: Id(0)] long Events,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] double WindowAccuracy,
    [property: Id(3)] double Loss,
    [property: Id(4)] double CorrectionRate,
    [property: Id(5)] double? TeacherAgreement);

/// <summary>A detected concept drift.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.drift-event.v1")]
public sealed record DriftEvent(
    [property: Id(0)] long Events,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Detector);

/// <summary>Prequential (test-then-train) metrics of one model, as operators see them. TeacherAgreement is null until
/// the student has distilled from its teacher (0 would read as "disagrees").</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.model-metrics.v1")]
public sealed record ModelMetrics(
    [property: Id(0)] string Key,
    [property: Id(1)] long EventsSeen,
    [property: Id(2)] long EventsLearned,
    [property: Id(3)] double Accuracy,
    [property: Id(4)] double WindowAccuracy,
    [property: Id(5)] double Loss,
    [property: Id(6)] long Corrections,
    [property: Id(7)] long DownWeights,
    [property: Id(8)] IReadOnlyList<DriftEvent> DriftEvents,
    [property: Id(9)] double? TeacherAgreement,
    [property: Id(10)] double? TeacherStalenessSeconds,
    [property: Id(11)] double EventsPerSecond,
    [property: Id(12)] IReadOnlyDictionary<string, long> LastOffsets,
    [property: Id(13)] int ModelVersion,
    [property: Id(14)] int? TeacherVersion,
    [property: Id(15)] IReadOnlyList<AccuracyPoint> Series,
    [property: Id(16)] string Silo);
