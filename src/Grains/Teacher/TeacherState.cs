namespace StreamLabel.Grains.Teacher;

[GenerateSerializer, Alias("streamlabel.teacher-state.v1")]
public sealed class TeacherState
{
    /// <summary>The student spec the teacher was shaped from (feature count, classes); its own layers are larger.</summary>
    [Id(0)] public ModelSpec? Spec { get; set; }
    /// <summary>The teacher's learning-core snapshot (see <see cref="Kind"/>).</summary>
    [Id(1)] public byte[]? Snapshot { get; set; }
    [Id(2)] public bool FromCheckpoint { get; set; }
    [Id(3)] public long SoftTargetRequests { get; set; }
    /// <summary>The snapshot's model: "ensemble" or "replay" (null: state written before the ensemble, a replay teacher).</summary>
    [Id(4)] public string? Kind { get; set; }
    /// <summary>Forwarded labeled rows the teacher predicted before learning them, and how many it got right.</summary>
    [Id(5)] public long Scored { get; set; }
    [Id(6)] public long Correct { get; set; }
    /// <summary>New students given warm-start rows.</summary>
    [Id(7)] public long WarmStarts { get; set; }
}
