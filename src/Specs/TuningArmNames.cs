namespace StreamLabel.Specs;

/// <summary>
/// The arms a spec may name in <c>ModelSpec.TuningArms</c>; their settings are the learning core's
/// (<c>StreamLabel.Learning.Tuning.TuningArms.Catalogue</c>, which has exactly these names).
/// </summary>
public static class TuningArmNames
{
    /// <summary>spec: the spec's own settings; plain: no smoothing or self-correction; careful: smaller steps and
    /// stronger down-weighting; quick: larger steps; smooth: stronger smoothing; teacher: more distillation.</summary>
    public static readonly IReadOnlyList<string> Known = ["spec", "plain", "careful", "quick", "smooth", "teacher"];

    /// <summary>The default arm set of a tuned model.</summary>
    public static readonly IReadOnlyList<string> Default = ["spec", "plain", "careful", "quick"];
}
