using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace StreamLabel.Specs;

/// <summary>The detector on the prequential error stream (stable names "adwin", "page-hinkley", "none").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DriftDetectorKind>))]
public enum DriftDetectorKind
{
    [JsonStringEnumMemberName("adwin"), EnumMember(Value = "adwin")] Adwin = 0,
    [JsonStringEnumMemberName("page-hinkley"), EnumMember(Value = "page-hinkley")] PageHinkley = 1,
    [JsonStringEnumMemberName("none"), EnumMember(Value = "none")] None = 2,
}
