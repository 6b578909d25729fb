namespace StreamLabel.Grains;

/// <summary>A point of a model's windowed accuracy series. TeacherAgreement is null before any distillation; ArmRewards
/// (arm name → discounted reward) only for a tuned model.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.accuracy-point.v1")]
public sealed record AccuracyPoint(
    [property: Id(0)] long Events,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] double WindowAccuracy,
    [property: Id(3)] double Loss,
    [property: Id(4)] double CorrectionRate,
    [property: Id(5)] double? TeacherAgreement,
    [property: Id(6)] IReadOnlyDictionary<string, double>? ArmRewards = null);

/// <summary>A detected concept drift.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.drift-event.v1")]
public sealed record DriftEvent(
    [property: Id(0)] long Events,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Detector);

/// <summary>Prequential (test-then-train) metrics of one model, as operators see them. TeacherAgreement is null until
/// the student has distilled from its teacher (0 would read as "disagrees"). TeacherAdvantage (teacher minus student
/// accuracy on the student's forwarded labels) and TeacherWeight (the distillation weight it earns, in [0, 1]) are the
/// teacher's last answer, null before one. WarmStartRows: rows the model learned from its teacher before its first
/// event (0: it started cold).</summary>
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
    [property: Id(16)] string Silo,
    [property: Id(17)] ModelTuning? Tuning = null,
    [property: Id(18)] double? TeacherAdvantage = null,
    [property: Id(19)] double? TeacherWeight = null,
    [property: Id(20)] int WarmStartRows = 0);

/// <summary>A tuned model (spec Tuning = bandit): the served arm, its changes, labeled events scored, and every arm.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.model-tuning.v1")]
public sealed record ModelTuning(
    [property: Id(0)] string ServedArm,
    [property: Id(1)] long Switches,
    [property: Id(2)] long Events,
    [property: Id(3)] IReadOnlyList<ArmMetrics> Arms);

/// <summary>One arm of a tuned model: discounted accuracy on the incoming labels (null before any), the sign-test score
/// against the served arm, whether it keeps learning, and its steps learned.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.arm-metrics.v1")]
public sealed record ArmMetrics(
    [property: Id(0)] string Name,
    [property: Id(1)] double? Reward,
    [property: Id(2)] double Score,
    [property: Id(3)] bool Live,
    [property: Id(4)] long Steps);
