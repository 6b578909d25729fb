using StreamLabel.Grains.Student;
using StreamLabel.Learning;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

public sealed class TeacherCheckpointTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_teacher_starts_from_its_configured_checkpoint_and_answers_soft_targets_at_once()
    {
        var data = Elec2.Rows(1000);
        var path = Path.Combine(Path.GetTempPath(), $"teacher-{Guid.NewGuid():N}.bin");
        long trainedVersion;
        using (var trained = new ReplayTeacher(ReplayTeacher.DefaultSpecFor(LearnerSpecs.ForStudent(Elec2.Spec(8), "t")), 500, 1))
        {
            var features = data.Features.SelectMany(r => r).ToArray();
            for (int start = 0; start < data.Count; start += 100)
                trained.Learn(features.AsSpan(start * 8, 100 * 8), 100, data.Labels.AsSpan(start, 100));
            await File.WriteAllBytesAsync(path, trained.Snapshot());
            trainedVersion = trained.Learner.Version;
        }
        try
        {
            using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic] });
            await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: true,
                new Dictionary<string, string?> { ["Teacher:Checkpoints:pretrained"] = path });
            var teacher = cluster.Client.GetGrain<ITeacherGrain>("pretrained");

            var status = await teacher.GetStatusAsync();
            Assert.True(status.FromCheckpoint);
            Assert.Equal(trainedVersion, status.Version);
            Assert.True(status.SamplesLearned >= 1000, $"samples learned {status.SamplesLearned}");
            var response = await teacher.GetSoftTargetsAsync(new SoftTargetsRequest("s", FloatBytes.ToBytes(data.Features[0]), 1, 8, 2.0, null));
            Assert.True(response.Ready);
            Assert.Equal(1.0, FloatBytes.ToFloats(response.Probabilities).Sum(), 4);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
