namespace StreamLabel.Grains;

/// <summary>One teacher per teacher group: a larger model its students distill from. Placed on GPU silos.</summary>
public interface ITeacherGrain : IGrainWithStringKey
{
    /// <summary>Soft targets at the requested temperature for a batch of feature vectors (one batched forward pass).</summary>
    Task<SoftTargetsResponse> GetSoftTargetsAsync(SoftTargetsRequest request);
    Task<TeacherStatus> GetStatusAsync();
    /// <summary>Replaces the teacher's model by a checkpoint (learning-core snapshot bytes).</summary>
    Task<TeacherStatus> LoadCheckpointAsync(byte[] snapshot);

    /// <summary>
    /// One round trip of a student's pull: the teacher predicts the forwarded rows with its model as it is (so the soft
    /// targets are for rows it has not learned: no in-sample echo of their noisy labels), scores itself and the
    /// student's own predictions of them against their labels, then learns them.
    /// </summary>
    Task<TeachResponse> TeachAsync(TeachRequest request);

    /// <summary>
    /// Rows for a new student of the group to learn before its first event: rows the teacher learned (from all its
    /// students), labeled with its own clean-class prediction. Empty while it is not warm, keeps no rows (replay
    /// teacher) or has none yet.
    /// </summary>
    Task<WarmStartResponse> WarmStartAsync(WarmStartRequest request);
}

/// <summary>A new student's request for <see cref="Rows"/> warm-start rows of its spec's shape.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.warm-start-request.v1")]
public sealed record WarmStartRequest(
    [property: Id(0)] string StudentKey,
    [property: Id(1)] ModelSpec Spec,
    [property: Id(2)] int Rows);

/// <summary>Row-major float32 features (rows × features) as bytes with the teacher's label of each row; Rows = 0 when it
/// has none to give.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.warm-start-response.v1")]
public sealed record WarmStartResponse(
    [property: Id(0)] byte[] Features,
    [property: Id(1)] int[] Labels,
    [property: Id(2)] int Rows,
    [property: Id(3)] int TeacherVersion);

/// <summary>Labeled rows a student forwards, with the predictions it made of them before learning them (for the
/// teacher's advantage over that student), and the temperature of the soft targets it wants back. Learn = false: rows
/// sent before, asked again for fresh targets (the teacher neither learns nor scores them twice).</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.teach-request.v1")]
public sealed record TeachRequest(
    [property: Id(0)] string StudentKey,
    [property: Id(1)] byte[] Features,
    [property: Id(2)] int[] Labels,
    [property: Id(3)] int[] StudentPredicted,
    [property: Id(4)] int FeatureCount,
    [property: Id(5)] ModelSpec Spec,
    [property: Id(6)] double Temperature,
    [property: Id(7)] bool Learn = true);

/// <summary>
/// The teacher's soft targets for the forwarded rows (row-major rows × classes, made before it learned them; empty
/// while it is not <see cref="Ready"/>), and how far it has proven better than this student: <see cref="Advantage"/> =
/// teacher minus student accuracy on the student's recent forwarded labels, <see cref="Weight"/> in [0, 1] the
/// distillation weight that advantage earns (a sign test; 0 until the teacher wins).
/// </summary>
[GenerateSerializer, Immutable, Alias("streamlabel.teach-response.v1")]
public sealed record TeachResponse(
    [property: Id(0)] byte[] Probabilities,
    [property: Id(1)] int Rows,
    [property: Id(2)] int ClassCount,
    [property: Id(3)] int TeacherVersion,
    [property: Id(4)] bool Ready,
    [property: Id(5)] double Advantage,
    [property: Id(6)] double Weight,
    [property: Id(7)] double? TeacherAccuracy);

/// <summary>Row-major float32 features (rows × featureCount) as bytes: far cheaper to serialize than float[].</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.soft-targets-request.v1")]
public sealed record SoftTargetsRequest(
    [property: Id(0)] string StudentKey,
    [property: Id(1)] byte[] Features,
    [property: Id(2)] int Rows,
    [property: Id(3)] int FeatureCount,
    [property: Id(4)] double Temperature,
    [property: Id(5)] int? KnownTeacherVersion);

/// <summary>Row-major float32 probabilities (rows × classes) as bytes, and the teacher version that made them.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.soft-targets-response.v1")]
public sealed record SoftTargetsResponse(
    [property: Id(0)] byte[] Probabilities,
    [property: Id(1)] int Rows,
    [property: Id(2)] int ClassCount,
    [property: Id(3)] int TeacherVersion,
    [property: Id(4)] bool Ready);

/// <summary>A teacher group: its model (Kind: "ensemble" or "replay"), where it runs, what it learned, its prequential
/// accuracy on the labels its students forwarded (before learning each), and its advantage over each student.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.teacher-status.v1")]
public sealed record TeacherStatus(
    [property: Id(0)] string Group,
    [property: Id(1)] int Version,
    [property: Id(2)] long SamplesLearned,
    [property: Id(3)] string Device,
    [property: Id(4)] string Silo,
    [property: Id(5)] IReadOnlyDictionary<string, string> SiloMetadata,
    [property: Id(6)] long SoftTargetRequests,
    [property: Id(7)] bool FromCheckpoint,
    [property: Id(8)] string Kind = "",
    [property: Id(9)] double? Accuracy = null,
    [property: Id(10)] IReadOnlyList<StudentTeaching>? Students = null,
    [property: Id(11)] long WarmStarts = 0);

/// <summary>What the teacher knows of one student: its advantage over it (teacher minus student accuracy on the
/// student's recent forwarded labels), the distillation weight that earns, and the rows it scored.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.student-teaching.v1")]
public sealed record StudentTeaching(
    [property: Id(0)] string Key,
    [property: Id(1)] double Advantage,
    [property: Id(2)] double Weight,
    [property: Id(3)] long Rows);
