using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace StreamLabel.Specs;

/// <summary>Whether a model's regularization is tuned online: "off" (the spec's settings, one learner) or "bandit"
/// (the spec's arms as shadow learners, the best rewarded one served).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TuningMode>))]
public enum TuningMode
{
    [JsonStringEnumMemberName("off"), EnumMember(Value = "off")] Off = 0,
    [JsonStringEnumMemberName("bandit"), EnumMember(Value = "bandit")] Bandit = 1,
}
