namespace StreamLabel.Learning.Step;

/// <summary>
/// The regularizer settings of a step's slots (smoothing, self-correction, temperature), read from each slot's own
/// spec: the slots of one bank may differ in them (e.g. the arms of a <see cref="Tuning.TunedLearner"/>). When all
/// slots agree, the step uses the shared values as scalars, so a single learner computes exactly as it always did.
/// </summary>
internal readonly record struct SlotSettings(
    bool SameSmoothing, double Smoothing,
    bool AnyCorrection, bool SameCorrection, double MinWeight, double LossScale,
    bool SameTemperature, double Temperature)
{
    public static SlotSettings Of(StepEntry[] entries)
    {
        var first = entries[0].State.Spec;
        bool sameSmoothing = true, sameCorrection = true, sameTemperature = true, anyCorrection = false;
        foreach (var e in entries)
        {
            var s = e.State.Spec;
            sameSmoothing &= s.Smoothing == first.Smoothing;
            sameCorrection &= s.SelfCorrection.MinWeight == first.SelfCorrection.MinWeight && s.SelfCorrection.LossScale == first.SelfCorrection.LossScale;
            sameTemperature &= s.Temperature == first.Temperature;
            anyCorrection |= s.SelfCorrection.Enabled;
        }
        return new SlotSettings(sameSmoothing, first.Smoothing, anyCorrection, sameCorrection, first.SelfCorrection.MinWeight,
            first.SelfCorrection.LossScale, sameTemperature, first.Temperature);
    }
}
