using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StreamLabel.Grains.Specs;
using StreamLabel.Grains.Teacher;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// Specs bound from configuration get exactly the configured hidden layers: the binder appends to a pre-filled list
/// or array, which once turned "HiddenLayers": [32] into an 8-32-32-2 model (and [16] into [32, 16]).
/// </summary>
public sealed class ConfiguredSpecTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static ModelSpec? Resolve(IConfiguration configuration, string key)
    {
        return new ModelSpecResolver(Options.Create(ModelSpecOptions.Read(configuration))).Find(key);
    }

    private static (string, string)[] Pattern(string pattern, int index, params (string, string)[] extra) =>
    [
        ($"Models:Patterns:{index}:Pattern", pattern), ($"Models:Patterns:{index}:FeatureCount", "8"),
        ($"Models:Patterns:{index}:Classes:0", "DOWN"), ($"Models:Patterns:{index}:Classes:1", "UP"), .. extra,
    ];

    [Theory]
    [InlineData(new[] { 32 })]
    [InlineData(new[] { 16 })]
    [InlineData(new[] { 64, 8 })]
    public void Configured_hidden_layers_are_taken_as_given(int[] hidden)
    {
        var settings = Pattern("elec2*", 0, hidden.Select((h, i) => ($"Models:Patterns:0:HiddenLayers:{i}", h.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        var spec = Resolve(Config(settings), "elec2-a");
        Assert.NotNull(spec);
        Assert.Equal(hidden, spec.HiddenLayers);
    }

    [Fact]
    public void A_pattern_without_hidden_layers_gets_the_default()
    {
        var spec = Resolve(Config(Pattern("*", 0)), "any");
        Assert.NotNull(spec);
        Assert.Equal([32], spec.HiddenLayers);
    }

    [Fact]
    public void Teacher_hidden_layers_are_taken_as_given_or_default()
    {
        var configured = Config(("Teacher:HiddenLayers:0", "128")).GetSection(TeacherOptions.Section).Get<TeacherOptions>()!;
        Assert.Equal([128], configured.EffectiveHiddenLayers);
        var absent = Config(("Teacher:ReplayBufferRows", "100")).GetSection(TeacherOptions.Section).Get<TeacherOptions>()!;
        Assert.Equal([64, 64], absent.EffectiveHiddenLayers);
    }
}
