namespace StreamLabel.Learning.Tuning;

/// <summary>The arms a spec can name (<see cref="Specs.TuningArmNames"/>) and the default set.</summary>
public static class TuningArms
{
    /// <summary>
    /// spec (as configured), plain (no smoothing or self-correction: clean streams), careful (smaller steps and stronger
    /// down-weighting: heavy stationary noise), quick (larger steps: drift), smooth (stronger smoothing), teacher (more
    /// distillation). The default four were chosen on the quality bench (bench/README.md, "Reward-tuned regularization").
    /// </summary>
    public static readonly IReadOnlyDictionary<string, TuningArm> Catalogue = new Dictionary<string, TuningArm>(StringComparer.Ordinal)
    {
        ["spec"] = new() { Name = "spec" },
        ["plain"] = new() { Name = "plain", Smoothing = 0, SelfCorrection = false },
        ["careful"] = new() { Name = "careful", LearningRateScale = 0.4, MinWeight = 0.1 },
        ["quick"] = new() { Name = "quick", LearningRateScale = 2.5 },
        ["smooth"] = new() { Name = "smooth", Smoothing = 0.15 },
        ["teacher"] = new() { Name = "teacher", DistillationWeight = 0.6 },
    };

    /// <summary>The arms of the given names, in order; an unknown name is an <see cref="ArgumentException"/> naming it.</summary>
    public static IReadOnlyList<TuningArm> Named(IEnumerable<string> names) => names.Select(n => Catalogue.TryGetValue(n, out var arm) ? arm
        : throw new ArgumentException($"tuning arm '{n}' is not one of: {string.Join(", ", Catalogue.Keys)}", nameof(names))).ToArray();

    /// <summary>spec, plain, careful, quick.</summary>
    public static readonly IReadOnlyList<TuningArm> Default = Named(Specs.TuningArmNames.Default);
}
