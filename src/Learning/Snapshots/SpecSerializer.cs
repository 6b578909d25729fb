namespace StreamLabel.Learning.Snapshots;

/// <summary>Writes a <see cref="LearnerSpec"/> field by field (no reflection, stable order) into snapshots; choices
/// as their stable names (<see cref="SpecNames"/>), so snapshots written before the enums read back unchanged.</summary>
internal static class SpecSerializer
{
    /// <summary>Format 1 = the original fields; format 2 adds <see cref="LearnerSpec.LaggedLabels"/> and <see cref="LearnerSpec.DriftChallengerEvents"/>.</summary>
    public static void Write(BinaryWriter w, LearnerSpec s, int format)
    {
        w.Write(s.FeatureCount); w.Write(s.ClassCount);
        w.Write(s.HiddenLayers.Length); foreach (int h in s.HiddenLayers) w.Write(h);
        w.Write(SpecNames.Name(s.Optimizer)); w.Write(s.LearningRate); w.Write(s.WeightDecay);
        w.Write(s.Smoothing); w.Write(SpecNames.Name(s.SmoothingConvention));
        var c = s.SelfCorrection;
        w.Write(c.Enabled); w.Write(c.MinWeight); w.Write(c.MaturityEvents); w.Write(c.ExpBase); w.Write(c.LossScale); w.Write(c.LossAverageRate);
        w.Write(SpecNames.Name(s.DriftDetector)); w.Write(s.DriftBoost); w.Write(s.DistillationWeight); w.Write(s.Temperature); w.Write(s.Seed); w.Write(s.Device);
        if (format >= 2) { w.Write(s.LaggedLabels); w.Write(s.DriftChallengerEvents); }
        else if (s.LaggedLabels || s.DriftChallengerEvents > 0) throw new InvalidOperationException("LaggedLabels and DriftChallengerEvents need snapshot format 2");
    }

    /// <summary>Reads a spec; its shape is checked against <see cref="SpecLimits"/> as it is read, so a damaged or
    /// foreign file fails with an <see cref="InvalidDataException"/> naming the field before any model is allocated.</summary>
    public static LearnerSpec Read(BinaryReader r, int format)
    {
        int features = Bounded(r.ReadInt32(), 1, SpecLimits.MaxFeatureCount, nameof(LearnerSpec.FeatureCount));
        int classes = Bounded(r.ReadInt32(), 2, SpecLimits.MaxClassCount, nameof(LearnerSpec.ClassCount));
        var hidden = new int[Bounded(r.ReadInt32(), 0, SpecLimits.MaxHiddenLayers, "HiddenLayers count")];
        for (int i = 0; i < hidden.Length; i++) hidden[i] = Bounded(r.ReadInt32(), 1, SpecLimits.MaxHiddenWidth, $"HiddenLayers[{i}]");
        long parameters = SpecLimits.Parameters(features, hidden, classes);
        if (parameters > SpecLimits.MaxParameters)
            throw new InvalidDataException($"snapshot spec: {parameters} weights ({features} features, hidden {string.Join(",", hidden)}, {classes} classes) exceed the limit of {SpecLimits.MaxParameters}");
        var spec = new LearnerSpec
        {
            FeatureCount = features, ClassCount = classes, HiddenLayers = hidden,
            Optimizer = SpecNames.Parse<OptimizerKind>(r.ReadString(), nameof(LearnerSpec.Optimizer)), LearningRate = r.ReadDouble(), WeightDecay = r.ReadDouble(),
            Smoothing = r.ReadDouble(), SmoothingConvention = SpecNames.Parse<SmoothingConvention>(r.ReadString(), nameof(LearnerSpec.SmoothingConvention)),
            SelfCorrection = new SelfCorrectionOptions
            {
                Enabled = r.ReadBoolean(), MinWeight = r.ReadDouble(), MaturityEvents = r.ReadDouble(),
                ExpBase = r.ReadDouble(), LossScale = r.ReadDouble(), LossAverageRate = r.ReadDouble(),
            },
            DriftDetector = SpecNames.Parse<DriftDetectorKind>(r.ReadString(), nameof(LearnerSpec.DriftDetector)), DriftBoost = r.ReadDouble(), DistillationWeight = r.ReadDouble(), Temperature = r.ReadDouble(),
            Seed = r.ReadInt32(), Device = r.ReadString(),
        };
        return format >= 2 ? spec with { LaggedLabels = r.ReadBoolean(), DriftChallengerEvents = r.ReadInt32() } : spec;
    }

    private static int Bounded(int value, int min, int max, string field) => value >= min && value <= max ? value
        : throw new InvalidDataException($"snapshot spec: {field} is {value}, outside {min}..{max} (a damaged or foreign file)");
}
