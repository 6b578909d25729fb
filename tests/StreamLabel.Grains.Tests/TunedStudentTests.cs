using Orleans.TestingHost;
using StreamLabel.Specs;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Replay;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>A student whose spec turns tuning on: its arms learn, operators see them, and a reactivation resumes them.</summary>
public sealed class TunedStudentTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_tuned_student_reports_its_arms_and_resumes_the_bandit_after_a_reactivation()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false);
        var data = Elec2.Rows(3000);
        const string key = "elec2-tuned";
        var student = cluster.Client.GetGrain<IStudentGrain>(key);
        await student.SetSpecAsync(Elec2.Spec(data.FeatureCount, teacherGroup: null) with { Tuning = TuningMode.Bandit, TuningArms = "spec,plain,quick" });
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(data, new ReplayOptions { Topic = StudentCluster.Topic, Key = key, Noise = 0.2, Seed = 3 });
        await StudentLearningTests.WaitForSeenAsync(cluster, key, data.Count);

        var before = await student.GetMetricsAsync();
        var tuning = Assert.IsType<ModelTuning>(before.Tuning);
        Assert.Equal(["spec", "plain", "quick"], tuning.Arms.Select(a => a.Name).ToArray());
        Assert.Contains(tuning.ServedArm, tuning.Arms.Select(a => a.Name));
        Assert.Equal(data.Count, tuning.Events);
        Assert.All(tuning.Arms, a => Assert.InRange(a.Reward ?? -1, 0.5, 1.0)); // Elec2 with 20% noise: well above chance
        Assert.True(tuning.Arms[0].Steps > 0);
        Assert.All(tuning.Arms, a => Assert.Equal(tuning.Arms[0].Steps, a.Steps)); // every arm learned every step (all live)
        Assert.Contains(before.Series, p => p.ArmRewards is { Count: 3 });

        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        await Eventually.HoldsAsync(async () =>
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            return (await management.GetSimpleGrainStatistics()).Where(g => g.GrainType.Contains("StudentGrain", StringComparison.Ordinal)).Sum(g => g.ActivationCount) == 0;
        }, Patience, () => Task.FromResult("the student was never deactivated"));
        var after = await student.GetMetricsAsync(); // reactivates from storage
        var resumed = Assert.IsType<ModelTuning>(after.Tuning);
        Assert.Equal(tuning.ServedArm, resumed.ServedArm);
        Assert.Equal(tuning.Switches, resumed.Switches);
        Assert.Equal(tuning.Events, resumed.Events);
        Assert.Equal(tuning.Arms.Select(a => (a.Name, a.Reward, a.Steps)), resumed.Arms.Select(a => (a.Name, a.Reward, a.Steps)));
        Assert.Equal(before.ModelVersion, after.ModelVersion);
    }

    [Fact]
    public async Task An_untuned_student_has_no_tuning_and_a_tuned_spec_with_lagged_labels_is_refused_naming_the_field()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false);
        var student = cluster.Client.GetGrain<IStudentGrain>("plain-key");
        await student.SetSpecAsync(Elec2.Spec(8, teacherGroup: null));
        Assert.Null((await student.GetMetricsAsync()).Tuning);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => student.SetSpecAsync(Elec2.Spec(8) with { Tuning = TuningMode.Bandit, LaggedLabels = true }));
        Assert.Contains("Tuning", e.Message);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => student.SetSpecAsync(Elec2.Spec(8) with { TuningArms = "spec,fancy" }));
        Assert.Contains("fancy", unknown.Message);
    }
}
