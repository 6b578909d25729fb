using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>A valid spec whose learner cannot be built (here: the silo's model bank is shut down, standing in for any
    /// build failure, e.g. device memory) is refused before the student takes it: it keeps its old model and spec, and
    /// a deactivation does not bring the refused spec back from storage.</summary>
    [Fact]
    public async Task A_spec_whose_learner_build_throws_is_refused_and_the_old_model_kept()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        var closedBank = new StreamLabel.Learning.Bank.BankSchedulerSet(1);
        closedBank.Dispose();
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false,
            configureSilo: silo => silo.Services.AddSingleton(closedBank));
        var student = cluster.Client.GetGrain<IStudentGrain>("spec-build-first");
        // Lagged labels are not banked: this model is a learner of its own and builds; the plain spec needs the bank.
        var old = await student.SetSpecAsync(Valid with { LaggedLabels = true });
        float[] features = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f];
        var before = await student.PredictAsync(features);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => student.SetSpecAsync(Valid));
        Assert.Contains("could not be built", e.Message, StringComparison.Ordinal);
        AssertIsOld(await student.GetSpecAsync());
        Assert.Equal(before.Probabilities, (await student.PredictAsync(features)).Probabilities);

        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        AssertIsOld(await student.GetSpecAsync());

        void AssertIsOld(ModelSpec? spec)
        {
            Assert.NotNull(spec);
            Assert.Equal((old.Version, true), (spec.Version, spec.LaggedLabels));
        }
    }
}
