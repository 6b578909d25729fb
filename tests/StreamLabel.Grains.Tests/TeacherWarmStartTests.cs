using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// A new key of a group whose teacher knows the concept starts from it (Student:WarmStartRows): before its first event
/// the student learns the teacher's pseudo-labeled rows, so it predicts held-out rows well, while a key of the same
/// shape without a teacher group starts cold. The rows count as learned, not as events seen.
/// </summary>
public sealed class TeacherWarmStartTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_new_key_learns_its_warm_teachers_rows_before_its_first_event()
    {
        var data = Elec2.Rows(9000);
        var spec = Elec2.Spec(8);
        // The first 8,000 rows, clean: the checkpoint knows Elec2 before the student sees its first event.
        var path = await TrainedTeacher.CheckpointAsync(data, spec, 8000);
        try
        {
            using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
            await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: true, new Dictionary<string, string?>
            {
                ["Teacher:Checkpoints:default"] = path,
            });
            var warm = cluster.Client.GetGrain<IStudentGrain>("late-joiner");
            var cold = cluster.Client.GetGrain<IStudentGrain>("no-teacher");
            await warm.SetSpecAsync(spec);
            await cold.SetSpecAsync(Elec2.Spec(8, teacherGroup: null));

            var metrics = await warm.GetMetricsAsync();
            Assert.Equal(3200, metrics.WarmStartRows);
            Assert.Equal(0, metrics.EventsSeen);
            Assert.Equal(3200, metrics.EventsLearned);
            Assert.Equal(100, metrics.ModelVersion); // steps of Student:MaxBatchSize (32)
            Assert.Equal(0, (await cold.GetMetricsAsync()).WarmStartRows);
            Assert.Equal(1, (await cluster.Client.GetGrain<ITeacherGrain>("default").GetStatusAsync()).WarmStarts);

            // Held-out rows right after the teacher's: the warm student predicts them as a model of Elec2 does.
            double warmAccuracy = await AccuracyAsync(warm, data, 8000, 500), coldAccuracy = await AccuracyAsync(cold, data, 8000, 500);
            Assert.True(warmAccuracy >= 0.7 && warmAccuracy >= coldAccuracy + 0.08,
                $"warm-started accuracy {warmAccuracy:F3}, cold {coldAccuracy:F3} on 500 held-out rows");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_teacher_that_cannot_activate_leaves_a_new_key_cold_not_broken()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: true, new Dictionary<string, string?>
        {
            // The teacher's activation throws (the checkpoint file is missing) on every call.
            ["Teacher:Checkpoints:default"] = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.bin"),
        });
        var student = cluster.Client.GetGrain<IStudentGrain>("joins-anyway");
        await student.SetSpecAsync(Elec2.Spec(8));
        var metrics = await student.GetMetricsAsync();
        Assert.Equal(0, metrics.WarmStartRows);
        Assert.Equal(0, metrics.ModelVersion);
    }

    private static async Task<double> AccuracyAsync(IStudentGrain student, Datasets.LabeledDataset data, int start, int count)
    {
        int correct = 0;
        for (int i = start; i < start + count; i++)
        {
            var p = await student.PredictAsync(data.Features[i]);
            if (p.PredictedClass == (data.Labels[i] == 0 ? "DOWN" : "UP")) correct++;
        }
        return (double)correct / count;
    }
}
