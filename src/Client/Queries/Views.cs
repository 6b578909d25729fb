using StreamLabel.Grains;

namespace StreamLabel.Client.Queries;

// The JSON shapes of `--json` and the dashboard's /api endpoints (camelCase). Field names are a stable contract:
// add fields, never rename or remove them (documented in src/Client/README.md).

/// <summary>`status`: the cluster at a glance.</summary>
public sealed record StatusView(
    IReadOnlyList<SiloView> Silos,
    int Models,
    long EventsSeen,
    double EventsPerSecond,
    long? ConsumerLag,
    long? DeadLetters,
    IReadOnlyList<PartitionView> Partitions,
    string? ClusterInfoError,
    DateTimeOffset At,
    IReadOnlyList<QuarantineView> Quarantined);

public sealed record SiloView(
    string Address,
    string Name,
    string HostName,
    string Status,
    DateTimeOffset StartTime,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record PartitionView(string Topic, int Partition, long CommittedOffset, long HighWatermark, long Lag, long DeadLetters, string? Silo);

/// <summary>A quarantined key on one partition (`status`, `quarantine list`): its events go to the dead-letter topic
/// with reason grain-unavailable until `quarantine release KEY`.</summary>
public sealed record QuarantineView(string Key, string Partition, DateTimeOffset Since, int FailedDeliveries, long DeadLettered)
{
    public static QuarantineView From(QuarantinedKeyInfo q) => new(q.Key, q.Partition, q.Since, q.FailedDeliveries, q.DeadLettered);
}

/// <summary>`quarantine release KEY`: whether the key was quarantined (and is now released).</summary>
public sealed record ReleaseView(string Key, bool Released);

/// <summary>`models`: one row per model key.</summary>
public sealed record ModelRow(
    string Key,
    long EventsSeen,
    long EventsLearned,
    double Accuracy,
    double WindowAccuracy,
    double Loss,
    long Corrections,
    long DownWeights,
    int DriftEvents,
    int ModelVersion,
    int? TeacherVersion,
    double? TeacherStalenessSeconds,
    double? TeacherAgreement,
    double EventsPerSecond,
    string Silo,
    string? ServedArm,
    double? TeacherAdvantage,
    double? TeacherWeight,
    int WarmStartRows = 0)
{
    public static ModelRow From(ModelMetrics m) => new(m.Key, m.EventsSeen, m.EventsLearned, m.Accuracy, m.WindowAccuracy, m.Loss,
        m.Corrections, m.DownWeights, m.DriftEvents.Count, m.ModelVersion, m.TeacherVersion, m.TeacherStalenessSeconds,
        m.TeacherAgreement, m.EventsPerSecond, m.Silo, m.Tuning?.ServedArm, m.TeacherAdvantage, m.TeacherWeight, m.WarmStartRows);
}

/// <summary>`model KEY`: a row plus the recent series, the drift times, offsets and the spec.</summary>
public sealed record ModelDetail(
    ModelRow Model,
    IReadOnlyList<SeriesPoint> Series,
    IReadOnlyList<DriftView> Drifts,
    IReadOnlyDictionary<string, long> LastOffsets,
    ModelSpec? Spec,
    TuningView? Tuning);

/// <summary>ArmRewards: arm name → discounted reward at that point (tuned models only, else null).</summary>
public sealed record SeriesPoint(long Events, DateTimeOffset At, double WindowAccuracy, double Loss, double CorrectionRate, double? TeacherAgreement,
    IReadOnlyDictionary<string, double>? ArmRewards);

/// <summary>A tuned model's bandit: the served arm, its changes, labeled events scored, and every arm.</summary>
public sealed record TuningView(string ServedArm, long Switches, long Events, IReadOnlyList<ArmView> Arms);

/// <summary>One arm: discounted accuracy on incoming labels (null before any), sign-test score against the served arm
/// (above the switch score it takes over), whether it keeps learning, and its steps learned.</summary>
public sealed record ArmView(string Name, double? Reward, double Score, bool Live, long Steps);

public sealed record DriftView(long Events, DateTimeOffset At, string Detector);

/// <summary>`predict KEY --features ...`.</summary>
public sealed record PredictionView(string Key, string PredictedClass, IReadOnlyList<string> Classes, IReadOnlyList<float> Probabilities, int ModelVersion, int? TeacherVersion);

/// <summary>`spec show|set KEY`.</summary>
public sealed record SpecView(string Key, ModelSpec? Spec);

/// <summary>`replay ... --json`.</summary>
public sealed record ReplayView(string Dataset, string Topic, string Bootstrap, long Produced, double Seconds, double EventsPerSecond, double Noise, string NoiseKind, double? DriftAt);

/// <summary>`dashboard --json` (first line once listening).</summary>
public sealed record DashboardView(string Url, string OrleansDashboardUrl, bool TokenRequired);
