using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace StreamLabel.Specs;

/// <summary>The optimizer of a model's step. Its stable name ("adam", "sgd") is what JSON, configuration, the
/// command line and snapshots carry; <see cref="EnumMemberAttribute"/> lets grain storage read old string values.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    [JsonStringEnumMemberName("adam"), EnumMember(Value = "adam")] Adam = 0,
    [JsonStringEnumMemberName("sgd"), EnumMember(Value = "sgd")] Sgd = 1,
}
