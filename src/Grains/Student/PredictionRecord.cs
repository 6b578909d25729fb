using System.Text.Json.Serialization;

namespace StreamLabel.Grains.Student;

/// <summary>The value of a record on the predictions topic (JSON, camelCase).</summary>
public sealed record PredictionRecord(
    string Key, string? Id, string Topic, int Partition, long Offset,
    float[] Probabilities, string PredictedClass, int ModelVersion, int? TeacherVersion);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PredictionRecord))]
internal sealed partial class PredictionRecordJson : JsonSerializerContext;
