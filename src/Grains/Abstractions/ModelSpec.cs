namespace StreamLabel.Grains;

/// <summary>
/// What a model is: its input width, class list, architecture and label-regularizer settings.
/// Given by configuration (key patterns) or by a client command before or with a key's first event.
/// Changing any field bumps <see cref="Version"/>. Defaults are the learning core's tuned ones (bench/README.md).
/// </summary>
[GenerateSerializer, Immutable, Alias("streamlabel.model-spec.v1")]
public sealed record ModelSpec(
    [property: Id(0)] int FeatureCount,
    IReadOnlyList<string> Classes,
    IReadOnlyList<int> HiddenLayers,
    [property: Id(3)] string Optimizer = "adam",
    [property: Id(4)] double LearningRate = 0.005,
    [property: Id(5)] double Smoothing = 0.05,
    [property: Id(6)] string SmoothingConvention = "uniform",
    [property: Id(7)] bool SelfCorrection = true,
    [property: Id(8)] string DriftDetector = "adwin",
    [property: Id(9)] double DistillationWeight = 0.3,
    [property: Id(10)] double Temperature = 2.0,
    [property: Id(11)] string? TeacherGroup = "default",
    [property: Id(12)] int Version = 1)
{
    // Kept as arrays: the spec is [Immutable], so an in-silo call passes the caller's list as it is, and grain storage
    // (JSON) records a list's runtime type. A compiler-made list (from `[32]`) was written but could not be read back.

    /// <summary>Class labels, in the order of the model's outputs.</summary>
    [Id(1)] public IReadOnlyList<string> Classes { get; init => field = AsArray(value); } = AsArray(Classes);

    /// <summary>Hidden layer widths (empty = logistic regression).</summary>
    [Id(2)] public IReadOnlyList<int> HiddenLayers { get; init => field = AsArray(value); } = AsArray(HiddenLayers);

    // An array is kept as it is (so `spec with { Classes = other.Classes }` keeps reference equality of the lists).
    private static T[] AsArray<T>(IReadOnlyList<T> list) => list as T[] ?? [.. list];
}
