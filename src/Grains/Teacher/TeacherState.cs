namespace StreamLabel.Grains.Teacher;

[GenerateSerializer, Alias("streamlabel.teacher-state.v1")]
public sealed class TeacherState
{
    /// <summary>The student spec the teacher was shaped from (feature count, classes); its own layers are larger.</summary>
    [Id(0)] public ModelSpec? Spec { get; set; }
    /// <summary>ReplayTeacher snapshot (model + replay buffer).</summary>
    [Id(1)] public byte[]? Snapshot { get; set; }
    [Id(2)] public bool FromCheckpoint { get; set; }
    [Id(3)] public long SoftTargetRequests { get; set; }
}
