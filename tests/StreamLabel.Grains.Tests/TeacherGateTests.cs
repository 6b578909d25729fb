using StreamLabel.Grains.Student;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Replay;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// The default gate (Student:TeacherGate = advantage) with a real ensemble teacher: one that has learned the concept
/// (from a checkpoint) proves better than a cold student on its forwarded labels, earns a weight, and the student
/// distills; the teacher reports its accuracy and its advantage over that student.
/// </summary>
public sealed class TeacherGateTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_teacher_that_knows_the_concept_earns_its_weight_and_the_student_distills()
    {
        var data = Elec2.Rows(12000);
        var spec = Elec2.Spec(8);
        // The first 8,000 rows, clean: the checkpoint knows Elec2 before the student sees its first event.
        var path = await TrainedTeacher.CheckpointAsync(data, spec, 8000);
        try
        {
            using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
            await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: true, new Dictionary<string, string?>
            {
                ["Student:TeacherGate"] = "advantage", ["Teacher:Checkpoints:default"] = path, ["Student:TeacherPullEveryEvents"] = "200",
                // The premise is a cold student: a warm start from this teacher would leave it no advantage to prove.
                ["Student:WarmStartRows"] = "0",
            });
            const string key = "elec2-gated";
            var student = cluster.Client.GetGrain<IStudentGrain>(key);
            await student.SetSpecAsync(spec);
            var later = Elec2.Slice(data, 8000, 4000);
            await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(later, new ReplayOptions { Topic = StudentCluster.Topic, Key = key, Noise = 0.3, Seed = 4, Rate = 2000 });
            await StudentLearningTests.WaitForSeenAsync(cluster, key, later.Count);

            var metrics = await student.GetMetricsAsync();
            Assert.True(metrics.TeacherAdvantage > 0, $"teacher advantage {metrics.TeacherAdvantage}");
            Assert.True(metrics.TeacherWeight > 0, $"teacher weight {metrics.TeacherWeight}");
            Assert.NotNull(metrics.TeacherVersion); // soft targets were taken
            var status = await cluster.Client.GetGrain<ITeacherGrain>("default").GetStatusAsync();
            Assert.Equal("ensemble", status.Kind);
            Assert.True(status.FromCheckpoint);
            Assert.InRange(status.Accuracy ?? -1, 0.55, 1.0); // on 30 %-noisy labels: clean accuracy above ~0.8
            var teaching = Assert.Single(status.Students!);
            Assert.Equal(key, teaching.Key);
            Assert.True(teaching.Rows > 0 && teaching.Weight > 0, $"{teaching}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
