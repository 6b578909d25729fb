using System.Reflection;
using StreamLabel.Learning.Bank;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// Every hyperparameter declared in <see cref="Hyperparameters"/> reaches the snapshot's spec (src/Learning/Snapshots)
/// and so the model bank's shape key: a new one the snapshot forgot would be lost on restore, and students differing
/// in it would share a bank. This is the test that names the one place besides the step a new hyperparameter needs.
/// </summary>
public sealed class SpecCoverageTests
{
    private static readonly LearnerSpec Base = new() { FeatureCount = 4, ClassCount = 3, Device = "cpu" };

    public static TheoryData<string> HyperparameterNames() =>
        [.. typeof(Hyperparameters).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(HyperparameterNames))]
    public void A_changed_hyperparameter_survives_a_snapshot(string name)
    {
        var (property, changed) = Changed(name);
        using var learner = new OnlineLearner(changed);
        using var restored = OnlineLearner.Restore(learner.Snapshot(), "cpu");
        Assert.Equal(property.GetValue(changed), property.GetValue(restored.Spec));
    }

    [Theory]
    [MemberData(nameof(HyperparameterNames))]
    public void A_changed_hyperparameter_shares_a_bank_with_the_original_only_when_it_is_each_slots_own(string name)
    {
        var (_, changed) = Changed(name);
        if (!ModelBank.Supports(changed)) return; // such a learner never lives in a bank
        bool shared = ModelBank.ShapeKey(Base).AsSpan().SequenceEqual(ModelBank.ShapeKey(changed));
        Assert.Equal(ModelBank.PerSlotHyperparameters.Contains(name), shared);
    }

    private static (PropertyInfo Property, LearnerSpec Changed) Changed(string name)
    {
        var property = typeof(Hyperparameters).GetProperty(name)!;
        var changed = Base with { };
        property.SetValue(changed, Other(property.GetValue(Base)!)); // a fresh copy: setting its init-only property is safe
        Assert.NotEqual(property.GetValue(Base), property.GetValue(changed));
        return (property, changed.Validate());
    }

    private static object Other(object value) => value switch
    {
        bool b => !b,
        int i => i + 1,
        double d => d + 0.125,
        Enum e => Enum.GetValues(e.GetType()).Cast<object>().First(v => !v.Equals(e)),
        _ => throw new NotSupportedException($"{value.GetType().Name}: teach SpecCoverageTests.Other a different value"),
    };
}
