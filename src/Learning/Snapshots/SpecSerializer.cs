namespace StreamLabel.Learning.Snapshots;

/// <summary>Writes a <see cref="LearnerSpec"/> field by field (no reflection, stable order) into snapshots.</summary>
internal static class SpecSerializer
{
    public static void Write(BinaryWriter w, LearnerSpec s)
    {
        w.Write(s.FeatureCount); w.Write(s.ClassCount);
        w.Write(s.HiddenLayers.Length); foreach (int h in s.HiddenLayers) w.Write(h);
        w.Write(s.Optimizer); w.Write(s.LearningRate); w.Write(s.WeightDecay);
        w.Write(s.Smoothing); w.Write(s.SmoothingConvention);
        var c = s.SelfCorrection;
        w.Write(c.Enabled); w.Write(c.MinWeight); w.Write(c.MaturityEvents); w.Write(c.ExpBase); w.Write(c.LossScale); w.Write(c.LossAverageRate);
        w.Write(s.DriftDetector); w.Write(s.DriftBoost); w.Write(s.DistillationWeight); w.Write(s.Temperature); w.Write(s.Seed); w.Write(s.Device);
    }

    public static LearnerSpec Read(BinaryReader r)
    {
        int features = r.ReadInt32(), classes = r.ReadInt32();
        var hidden = new int[r.ReadInt32()];
        for (int i = 0; i < hidden.Length; i++) hidden[i] = r.ReadInt32();
        return new LearnerSpec
        {
            FeatureCount = features, ClassCount = classes, HiddenLayers = hidden,
            Optimizer = r.ReadString(), LearningRate = r.ReadDouble(), WeightDecay = r.ReadDouble(),
            Smoothing = r.ReadDouble(), SmoothingConvention = r.ReadString(),
            SelfCorrection = new SelfCorrectionOptions
            {
                Enabled = r.ReadBoolean(), MinWeight = r.ReadDouble(), MaturityEvents = r.ReadDouble(),
                ExpBase = r.ReadDouble(), LossScale = r.ReadDouble(), LossAverageRate = r.ReadDouble(),
            },
            DriftDetector = r.ReadString(), DriftBoost = r.ReadDouble(), DistillationWeight = r.ReadDouble(), Temperature = r.ReadDouble(),
            Seed = r.ReadInt32(), Device = r.ReadString(),
        };
    }
}
