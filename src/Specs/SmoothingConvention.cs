using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace StreamLabel.Specs;

/// <summary>How label smoothing spreads e: "uniform" (PyTorch's, e/K to every class) or "others" (e/(K-1) to every
/// other class).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SmoothingConvention>))]
public enum SmoothingConvention
{
    [JsonStringEnumMemberName("uniform"), EnumMember(Value = "uniform")] Uniform = 0,
    [JsonStringEnumMemberName("others"), EnumMember(Value = "others")] Others = 1,
}
