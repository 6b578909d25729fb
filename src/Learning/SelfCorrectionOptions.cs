namespace StreamLabel.Learning;

/// <summary>Self-correction settings (formulas in src/Learning/README.md).</summary>
public sealed record SelfCorrectionOptions
{
    /// <summary>Turns loss-based weights and progressive correction on. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Smallest sample weight w_min in [0, 1]: weights stay in [w_min, 1]. Default 0.2.</summary>
    public double MinWeight { get; init; } = 0.2;

    /// <summary>Maturity time constant tau in learned events: maturity = 1 - exp(-n/tau), n counted since the last drift. Default 3000.</summary>
    public double MaturityEvents { get; init; } = 3000;

    /// <summary>Exponent base B of the global trust sigmoid(B (maturity - 0.5)) (ProSelfLC). Default 16.</summary>
    public double ExpBase { get; init; } = 16;

    /// <summary>Loss scale s (nats): raw weight = exp(-max(0, loss - mean loss) / s). Default 1.</summary>
    public double LossScale { get; init; } = 1;

    /// <summary>Rate of the exponential moving average of the batch-mean loss that weights compare against. Default 0.02.</summary>
    public double LossAverageRate { get; init; } = 0.02;

    internal void Validate()
    {
        if (!(MinWeight >= 0 && MinWeight <= 1)) LearnerSpec.Bad("SelfCorrection.MinWeight", MinWeight, "must be in [0, 1]");
        if (!(MaturityEvents > 0) || !double.IsFinite(MaturityEvents)) LearnerSpec.Bad("SelfCorrection.MaturityEvents", MaturityEvents, "must be a finite number > 0");
        if (!(ExpBase > 0) || !double.IsFinite(ExpBase)) LearnerSpec.Bad("SelfCorrection.ExpBase", ExpBase, "must be a finite number > 0");
        if (!(LossScale > 0) || !double.IsFinite(LossScale)) LearnerSpec.Bad("SelfCorrection.LossScale", LossScale, "must be a finite number > 0");
        if (!(LossAverageRate > 0 && LossAverageRate <= 1)) LearnerSpec.Bad("SelfCorrection.LossAverageRate", LossAverageRate, "must be in (0, 1]");
    }
}
