namespace StreamLabel.Grains.Student;

/// <summary>
/// What a student persists, in one write so model and offsets cannot disagree: the learner snapshot and the Kafka
/// offsets whose effect it contains, plus the metrics history operators see.
/// </summary>
[GenerateSerializer, Alias("streamlabel.student-state.v1")]
public sealed class StudentState
{
    [Id(0)] public ModelSpec? Spec { get; set; }
    [Id(1)] public byte[]? Snapshot { get; set; }
    [Id(2)] public Dictionary<string, long> AppliedOffsets { get; set; } = [];
    [Id(3)] public StudentHistory History { get; set; } = new();
}

/// <summary>Operator-facing history that the learner does not keep: series, drifts, clean-label accuracy, teacher figures.</summary>
[GenerateSerializer, Alias("streamlabel.student-history.v1")]
public sealed class StudentHistory
{
    [Id(0)] public List<AccuracyPoint> Series { get; set; } = [];
    [Id(1)] public List<DriftEvent> Drifts { get; set; } = [];
    [Id(2)] public long CleanScored { get; set; }
    [Id(3)] public long CleanCorrect { get; set; }
    [Id(4)] public double LossAverage { get; set; } = double.NaN;
    [Id(5)] public double TeacherAgreement { get; set; } = double.NaN;
    [Id(6)] public int? TeacherVersion { get; set; }
    [Id(7)] public long PredictionsPublished { get; set; }
    [Id(8)] public long DeadLettered { get; set; }
    /// <summary>Rows this model learned from its teacher before its first event (0: it started cold).</summary>
    [Id(9)] public int WarmStartRows { get; set; }
}
