using StreamLabel.Learning;

namespace StreamLabel.Grains.Student;

/// <summary>Maps an operator-facing <see cref="ModelSpec"/> onto the learning core's <see cref="LearnerSpec"/>.</summary>
public static class LearnerSpecs
{
    public static LearnerSpec ForStudent(ModelSpec spec, string key) => new LearnerSpec
    {
        FeatureCount = spec.FeatureCount,
        ClassCount = spec.Classes.Count,
        HiddenLayers = spec.HiddenLayers.ToArray(),
        Optimizer = spec.Optimizer,
        LearningRate = spec.LearningRate,
        Smoothing = spec.Smoothing,
        SmoothingConvention = spec.SmoothingConvention,
        SelfCorrection = new SelfCorrectionOptions { Enabled = spec.SelfCorrection },
        DriftDetector = spec.DriftDetector,
        DistillationWeight = spec.DistillationWeight,
        Temperature = spec.Temperature,
        Seed = StableSeed(key),
        Device = "cpu", // students are many and small: CPU; teachers use the accelerator
    }.Validate();

    /// <summary>FNV-1a of the key: the same key gets the same initial weights on every silo and run.</summary>
    public static int StableSeed(string key)
    {
        uint hash = 2166136261;
        foreach (char c in key) { hash ^= c; hash *= 16777619; }
        return (int)(hash & 0x7fffffff);
    }
}
