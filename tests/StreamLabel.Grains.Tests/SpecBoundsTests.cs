using StreamLabel.Grains.Specs;
using StreamLabel.Specs;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>Specs have upper bounds (<see cref="SpecLimits"/>): one beyond them is refused with an error naming the
/// field, and a student refusing it keeps its model, instead of holding a spec it cannot build.</summary>
public sealed class SpecBoundsTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly ModelSpec Valid = new(8, ["DOWN", "UP"], [32]) { TeacherGroup = null };

    private static ModelSpec TooLarge(string field) => field switch
    {
        "FeatureCount" => Valid with { FeatureCount = SpecLimits.MaxFeatureCount + 1 },
        "HiddenLayers[1]" => Valid with { HiddenLayers = [32, SpecLimits.MaxHiddenWidth + 1] },
        "HiddenLayers" => Valid with { HiddenLayers = [.. Enumerable.Repeat(8, SpecLimits.MaxHiddenLayers + 1)] },
        "HiddenLayers weights" => Valid with { FeatureCount = SpecLimits.MaxFeatureCount, HiddenLayers = [SpecLimits.MaxHiddenWidth] },
        "Classes" => Valid with { Classes = [.. Enumerable.Range(0, SpecLimits.MaxClassCount + 1).Select(i => $"c{i}")] },
        "Classes name" => Valid with { Classes = ["DOWN", new string('u', SpecLimits.MaxClassNameLength + 1)] },
        "DriftChallengerEvents" => Valid with { DriftChallengerEvents = SpecLimits.MaxDriftChallengerEvents + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [Theory]
    [InlineData("FeatureCount")]
    [InlineData("HiddenLayers[1]")]
    [InlineData("HiddenLayers")]
    [InlineData("HiddenLayers weights")]
    [InlineData("Classes")]
    [InlineData("Classes name")]
    [InlineData("DriftChallengerEvents")]
    public void A_spec_beyond_the_limits_is_refused_naming_the_field(string @case)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelSpecValidator.ThrowIfInvalid(TooLarge(@case), "Models:Patterns:0"));
        Assert.StartsWith($"Models:Patterns:0: ModelSpec.{@case.Split(' ')[0]} ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_spec_within_the_limits_is_accepted() =>
        ModelSpecValidator.ThrowIfInvalid(Valid with { FeatureCount = SpecLimits.MaxFeatureCount, HiddenLayers = [128], Classes = ["a", "b"] });

    [Fact]
    public async Task A_student_refusing_a_spec_keeps_its_model()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false);
        var student = cluster.Client.GetGrain<IStudentGrain>("spec-bounds");
        var set = await student.SetSpecAsync(Valid);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => student.SetSpecAsync(Valid with { HiddenLayers = [SpecLimits.MaxHiddenWidth + 1] }));
        Assert.Contains("HiddenLayers[0]", e.Message, StringComparison.Ordinal);
        Assert.Equal(set.Version, (await student.GetSpecAsync())!.Version);
        var prediction = await student.PredictAsync(new float[8]); // the model is still there
        Assert.Equal(2, prediction.Probabilities.Count);
    }
}
