using System.Reflection;
using StreamLabel.Specs;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// The field table covers the whole spec: a field added to <see cref="ModelSpec"/> (or to the shared
/// <see cref="Hyperparameters"/>) is settable from configuration and the command line with no other change.
/// </summary>
public sealed class SpecFieldTableTests
{
    /// <summary>A spec whose every field differs from its default.</summary>
    private static readonly ModelSpec Changed = new ModelSpec(3, ["a", "b", "c"], [16, 8])
    {
        Optimizer = OptimizerKind.Sgd, LearningRate = 0.02, WeightDecay = 0.001, Smoothing = 0.1,
        SmoothingConvention = SmoothingConvention.Others, SelfCorrection = false, DriftDetector = DriftDetectorKind.PageHinkley,
        DriftBoost = 1.5, DistillationWeight = 0.4, Temperature = 3, LaggedLabels = true, DriftChallengerEvents = 400,
        TeacherGroup = "g", Tuning = TuningMode.Bandit, TuningArms = "quick,spec",
    };

    [Fact]
    public void Every_settable_field_but_the_version_is_in_the_table_with_its_own_flag()
    {
        var settable = typeof(ModelSpec).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name).Order();
        Assert.Equal(settable.Where(n => n != nameof(ModelSpec.Version)), SpecFields.All.Select(f => f.Name).Order());
        Assert.Equal(SpecFields.All.Count, SpecFields.All.Select(f => f.Flag).Distinct().Count());
        Assert.Equal("--features", SpecFields.ByName("FeatureCount")!.Flag);
        Assert.Equal("--lagged-labels", SpecFields.ByName("LaggedLabels")!.Flag);
        Assert.Equal("--drift-challenger-events", SpecFields.ByName("DriftChallengerEvents")!.Flag);
    }

    [Fact]
    public void Every_field_round_trips_through_its_text_form()
    {
        var defaults = new ModelSpec(1, ["x", "y"], [32]);
        foreach (var field in SpecFields.All)
            Assert.NotEqual(field.Format(defaults), field.Format(Changed)); // the fixture really changes every field
        var rebuilt = SpecFields.All.Aggregate(defaults, (s, f) => f.With(s, f.Parse(f.Format(Changed), f.Flag)));
        Assert.Equal(Changed with { Classes = rebuilt.Classes, HiddenLayers = rebuilt.HiddenLayers }, rebuilt);
        Assert.Equal(Changed.Classes, rebuilt.Classes);
        Assert.Equal(Changed.HiddenLayers, rebuilt.HiddenLayers);
    }

    [Fact]
    public void Setting_a_field_leaves_the_original_as_it_was()
    {
        var original = new ModelSpec(1, ["x", "y"], [32]);
        var changed = SpecFields.ByName("learningrate")!.With(original, 0.5);
        Assert.Equal(0.005, original.LearningRate);
        Assert.Equal(0.5, changed.LearningRate);
    }
}
