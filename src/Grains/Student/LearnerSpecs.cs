using StreamLabel.Learning;
using StreamLabel.Learning.Tuning;

namespace StreamLabel.Grains.Student;

/// <summary>Maps an operator-facing <see cref="ModelSpec"/> onto the learning core's <see cref="LearnerSpec"/>.</summary>
public static class LearnerSpecs
{
    /// <summary>The hyperparameters are shared (<see cref="Specs.Hyperparameters"/>), so only what differs in kind is set here.</summary>
    public static LearnerSpec ForStudent(ModelSpec spec, string key) => new LearnerSpec(spec)
    {
        ClassCount = spec.Classes.Count,
        HiddenLayers = spec.HiddenLayers.ToArray(),
        SelfCorrection = new SelfCorrectionOptions { Enabled = spec.SelfCorrection },
        Seed = StableSeed(key),
        Device = "cpu", // students are many and small: CPU; teachers use the accelerator
    }.Validate();

    /// <summary>The tuning of a spec with Tuning = bandit (its arms by name), else null.</summary>
    public static TuningOptions? TuningFor(ModelSpec spec) =>
        spec.Tuning == StreamLabel.Specs.TuningMode.Bandit ? new TuningOptions { Arms = TuningArms.Named(spec.TuningArmList()) } : null;

    /// <summary>FNV-1a of the key: the same key gets the same initial weights on every silo and run.</summary>
    public static int StableSeed(string key)
    {
        uint hash = 2166136261;
        foreach (char c in key) { hash ^= c; hash *= 16777619; }
        return (int)(hash & 0x7fffffff);
    }
}
