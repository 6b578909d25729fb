namespace StreamLabel.Grains;

/// <summary>
/// What a model is: its input width, class list, architecture and label-regularizer settings.
/// Given by configuration (key patterns) or by a client command before or with a key's first event.
/// Changing any field bumps <see cref="Version"/>. Defaults are the learning core's tuned ones (bench/README.md).
/// </summary>
[GenerateSerializer, Immutable, Alias("streamlabel.model-spec.v1")]
public sealed record ModelSpec(
    [property: Id(0)] int FeatureCount,
    [property: Id(1)] IReadOnlyList<string> Classes,
    [property: Id(2)] IReadOnlyList<int> HiddenLayers,
    [property: Id(3)] string Optimizer = "adam",
    [property: Id(4)] double LearningRate = 0.005,
    [property: Id(5)] double Smoothing = 0.05,
    [property: Id(6)] string SmoothingConvention = "uniform",
    [property: Id(7)] bool SelfCorrection = true,
    [property: Id(8)] string DriftDetector = "adwin",
    [property: Id(9)] double DistillationWeight = 0.3,
    [property: Id(10)] double Temperature = 2.0,
    [property: Id(11)] string? TeacherGroup = "default",
    [property: Id(12)] int Version = 1);
