namespace StreamLabel.Grains;

/// <summary>One teacher per teacher group: a larger model its students distill from. Placed on GPU silos.</summary>
public interface ITeacherGrain : IGrainWithStringKey
{
    /// <summary>Soft targets at the requested temperature for a batch of feature vectors (one batched forward pass).</summary>
    Task<SoftTargetsResponse> GetSoftTargetsAsync(SoftTargetsRequest request);
    /// <summary>Labeled samples forwarded by students; the teacher learns from them with replay.</summary>
    Task ForwardSamplesAsync(TeacherSamples samples);
    Task<TeacherStatus> GetStatusAsync();
    /// <summary>Replaces the teacher's model by a checkpoint (learning-core snapshot bytes).</summary>
    Task<TeacherStatus> LoadCheckpointAsync(byte[] snapshot);
}

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

[GenerateSerializer, Immutable, Alias("streamlabel.teacher-samples.v1")]
public sealed record TeacherSamples(
    [property: Id(0)] string StudentKey,
    [property: Id(1)] byte[] Features,
    [property: Id(2)] int[] Labels,
    [property: Id(3)] int FeatureCount,
    [property: Id(4)] ModelSpec Spec);

[GenerateSerializer, Immutable, Alias("streamlabel.teacher-status.v1")]
public sealed record TeacherStatus(
    [property: Id(0)] string Group,
    [property: Id(1)] int Version,
    [property: Id(2)] long SamplesLearned,
    [property: Id(3)] string Device,
    [property: Id(4)] string Silo,
    [property: Id(5)] IReadOnlyDictionary<string, string> SiloMetadata,
    [property: Id(6)] long SoftTargetRequests,
    [property: Id(7)] bool FromCheckpoint);
