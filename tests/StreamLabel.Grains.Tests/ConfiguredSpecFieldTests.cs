using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StreamLabel.Grains.Specs;
using StreamLabel.Grains.Student;
using StreamLabel.Grains.Teacher;
using StreamLabel.Specs;

namespace StreamLabel.Grains.Tests;

/// <summary>Models:Patterns binds every spec field through the field table, and names the key of a bad one.</summary>
public sealed class ConfiguredSpecFieldTests
{
    private static ModelSpec? Resolve(string key, params (string Key, string Value)[] extra)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new (string, string)[]
        {
            ("Models:Patterns:0:Pattern", "elec2*"), ("Models:Patterns:0:FeatureCount", "8"),
            ("Models:Patterns:0:Classes:0", "DOWN"), ("Models:Patterns:0:Classes:1", "UP"),
        }.Concat(extra).Select(s => KeyValuePair.Create(s.Item1, (string?)s.Item2))).Build();
        return new ModelSpecResolver(Options.Create(ModelSpecOptions.Read(configuration))).Find(key);
    }

    [Fact]
    public void Choices_and_the_learner_only_options_are_configurable()
    {
        var spec = Resolve("elec2-a",
            ("Models:Patterns:0:Optimizer", "sgd"), ("Models:Patterns:0:DriftDetector", "page-hinkley"),
            ("Models:Patterns:0:SmoothingConvention", "others"), ("Models:Patterns:0:LaggedLabels", "true"),
            ("Models:Patterns:0:DriftChallengerEvents", "500"), ("Models:Patterns:0:WeightDecay", "0.001"),
            ("Models:Patterns:0:TeacherGroup", "elec"));
        Assert.NotNull(spec);
        Assert.Equal(OptimizerKind.Sgd, spec.Optimizer);
        Assert.Equal(DriftDetectorKind.PageHinkley, spec.DriftDetector);
        Assert.Equal(SmoothingConvention.Others, spec.SmoothingConvention);
        Assert.True(spec.LaggedLabels);
        Assert.Equal(500, spec.DriftChallengerEvents);
        Assert.Equal(0.001, spec.WeightDecay);
        Assert.Equal("elec", spec.TeacherGroup);

        // They reach the student's learner as they are, and stay out of the group teacher (student-only inputs).
        var learner = LearnerSpecs.ForStudent(spec, "elec2-a");
        Assert.True(learner.LaggedLabels);
        Assert.Equal(500, learner.DriftChallengerEvents);
        Assert.Equal(OptimizerKind.Sgd, learner.Optimizer);
        var teacher = TeacherGrain.TeacherSpec(spec, "elec", new TeacherOptions());
        Assert.False(teacher.LaggedLabels);
        Assert.Equal(0, teacher.DriftChallengerEvents);
    }

    [Fact]
    public void Defaults_are_the_specs()
    {
        var spec = Resolve("elec2-b");
        Assert.NotNull(spec);
        var defaults = new ModelSpec();
        Assert.Equal(defaults with { FeatureCount = 8, Classes = spec.Classes, HiddenLayers = defaults.HiddenLayers }, spec with { HiddenLayers = defaults.HiddenLayers });
        Assert.Equal([32], spec.HiddenLayers);
    }

    [Theory]
    [InlineData("LearningRat", "0.1", "Models:Patterns:0:LearningRat is not a spec field")]
    [InlineData("DriftDetector", "cusum", "Models:Patterns:0:DriftDetector: DriftDetector must be one of: adwin, page-hinkley, none (got cusum)")]
    [InlineData("LaggedLabels", "maybe", "Models:Patterns:0:LaggedLabels: LaggedLabels must be true or false (got 'maybe')")]
    [InlineData("Smoothing", "1.5", "Models:Patterns:0: ModelSpec.Smoothing must be in [0, 1) (got 1.5)")]
    [InlineData("DriftChallengerEvents", "-1", "Models:Patterns:0: ModelSpec.DriftChallengerEvents must be >= 0")]
    [InlineData("MaxKeys", "-1", "Models:Patterns:0:MaxKeys must be a whole number >= 0 (got '-1'; 0 = no cap)")]
    [InlineData("MaxKeys", "many", "Models:Patterns:0:MaxKeys must be a whole number >= 0 (got 'many'; 0 = no cap)")]
    public void A_bad_field_is_named(string field, string value, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Resolve("elec2-c", ($"Models:Patterns:0:{field}", value)));
        Assert.Contains(expected, e.Message);
    }
}
