namespace StreamLabel.Grains;

/// <summary>A model's answer for one feature vector, with the versions that produced it.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.prediction.v1")]
public sealed record Prediction(
    [property: Id(0)] string Key,
    [property: Id(1)] IReadOnlyList<float> Probabilities,
    [property: Id(2)] string PredictedClass,
    [property: Id(3)] int ModelVersion,
    [property: Id(4)] int? TeacherVersion);
