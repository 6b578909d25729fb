namespace StreamLabel.Learning.Tuning;

/// <summary>The default arm set: the spec's own settings first, then the settings other streams were found to need.</summary>
public static class TuningArms
{
    /// <summary>
    /// spec (as configured), plain (no smoothing or self-correction: clean streams), careful (smaller steps and stronger
    /// down-weighting: heavy stationary noise), quick (larger steps: drift). Chosen on the quality bench (bench/README.md).
    /// </summary>
    public static readonly IReadOnlyList<TuningArm> Default =
    [
        new TuningArm { Name = "spec" },
        new TuningArm { Name = "plain", Smoothing = 0, SelfCorrection = false },
        new TuningArm { Name = "careful", LearningRateScale = 0.4, MinWeight = 0.1 },
        new TuningArm { Name = "quick", LearningRateScale = 2.5 },
    ];
}
