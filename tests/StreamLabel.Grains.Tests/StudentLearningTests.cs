using System.Text;
using System.Text.Json;
using Orleans.TestingHost;
using StreamLabel.Datasets;
using StreamLabel.Grains.Student;
using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Learning;
using StreamLabel.Learning.Bank;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Replay;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>Students learning real replays through the embedded broker, in a multi-silo cluster with a gpu-tagged silo.</summary>
public sealed class StudentLearningTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_student_learns_a_noisy_replay_as_well_as_the_learning_core_and_distills_from_its_teacher(bool modelBank)
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 4, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(2, broker, redis, gpuSilo: true,
            new Dictionary<string, string?> { ["Student:ModelBank"] = modelBank ? "true" : "false" });
        var data = Elec2.Rows(8000);
        var student = cluster.Client.GetGrain<IStudentGrain>("elec2-learn");
        await student.SetSpecAsync(Elec2.Spec(data.FeatureCount));

        var replay = new ReplayOptions { Topic = StudentCluster.Topic, Key = "elec2-learn", Noise = 0.2, Seed = 5 };
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(data, replay);
        await WaitForSeenAsync(cluster, "elec2-learn", data.Count);

        var metrics = await student.GetMetricsAsync();
        double core = CoreAccuracy(data, NoisyStream.Create(data, 0.2, NoiseKind.Symmetric, null, 5), "elec2-learn");
        Assert.Equal(data.Count, metrics.EventsSeen);
        Assert.True(metrics.Accuracy >= core - 0.03, $"student accuracy {metrics.Accuracy:F3} vs learning core {core:F3}");
        Assert.True(metrics.Accuracy > 0.7, $"accuracy {metrics.Accuracy:F3} on Elec2 with 20% noise");
        // Soft targets that arrive after the stream's last step (a teacher slowed by a loaded machine, or a student
        // that learned the 8,000 events before the teacher was warm) are used by the next events: a few more batches
        // show whether the student distills, without waiting on a fixed clock.
        long seen = data.Count;
        var more = Elec2.Rows(256);
        for (int round = 0; metrics.TeacherAgreement is null && round < 8; round++)
        {
            await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(more, replay);
            seen += more.Count;
            await WaitForSeenAsync(cluster, "elec2-learn", seen);
            metrics = await student.GetMetricsAsync();
        }
        Assert.NotNull(metrics.TeacherVersion);
        Assert.InRange(metrics.TeacherAgreement ?? -1, 0.0, 1.0);
        Assert.NotEmpty(metrics.Series);
        Assert.True(metrics.LastOffsets.Values.Sum() > 0);
        // Every step went through the silos' model banks, or none did.
        long bankSteps = cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<BankSchedulerSet>().Steps);
        if (modelBank) Assert.True(bankSteps >= data.Count / 32, $"{bankSteps} bank steps for {data.Count} events");
        else Assert.Equal(0, bankSteps);
    }

    [Fact]
    public async Task Unlabeled_events_get_predictions_on_the_output_topic_with_versions_and_bad_events_are_dead_lettered()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(2, broker, redis, gpuSilo: true);
        var data = Elec2.Rows(3000);
        const string key = "elec2-predict";
        await cluster.Client.GetGrain<IStudentGrain>(key).SetSpecAsync(Elec2.Spec(data.FeatureCount));
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(data, new ReplayOptions { Topic = StudentCluster.Topic, Key = key });
        // Predictions carry the teacher version once the student has pulled soft targets.
        await Eventually.HoldsAsync(async () => (await cluster.Client.GetGrain<IStudentGrain>(key).GetMetricsAsync()).TeacherVersion is not null,
            Patience, () => Task.FromResult("the student never received soft targets from its teacher"));

        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (int i = 0; i < 40; i++)
                await producer.ProduceAsync(StudentCluster.Topic, Message(key, EventWriter.Write(data.Features[i], null, $"unlabeled-{i}")));
            await producer.ProduceAsync(StudentCluster.Topic, Message(key, EventWriter.Write(data.Features[0], "SIDEWAYS", "bad-label")));
            await producer.ProduceAsync(StudentCluster.Topic, Message(key, EventWriter.Write(data.Features[0].AsSpan(0, 3), "UP", "bad-width")));
            await producer.ProduceAsync(StudentCluster.Topic, Message("no-spec-here", EventWriter.Write(data.Features[0], "UP", "no-spec")));
        }
        await WaitForSeenAsync(cluster, key, data.Count + 40);

        var predictions = TopicReader.ReadAll(broker.BootstrapServers, StudentCluster.Predictions, 2, 40, Patience);
        Assert.Equal(40, predictions.Count);
        foreach (var record in predictions)
        {
            Assert.Equal(key, Encoding.UTF8.GetString(record.Message.Key));
            using var json = JsonDocument.Parse(record.Message.Value);
            var root = json.RootElement;
            Assert.StartsWith("unlabeled-", root.GetProperty("id").GetString());
            Assert.True(root.GetProperty("modelVersion").GetInt32() > 0);
            Assert.Contains(root.GetProperty("predictedClass").GetString(), new[] { "DOWN", "UP" });
            Assert.Equal(1.0, root.GetProperty("probabilities").EnumerateArray().Sum(p => p.GetDouble()), 3);
            Assert.Equal(JsonValueKind.Number, root.GetProperty("teacherVersion").ValueKind);
        }

        var dead = TopicReader.ReadAll(broker.BootstrapServers, StudentCluster.DeadLetters, 1, 3, Patience);
        var reasons = dead.Select(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(EventHeaders.DeadLetterReason))).Order().ToList();
        Assert.Equal(["feature-count-mismatch", "no-model-spec", "unknown-label"], reasons);
    }

    [Fact]
    public async Task A_missing_teacher_degrades_gracefully_students_learn_everything_without_distillation()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(2, broker, redis, gpuSilo: false,
            new Dictionary<string, string?> { ["Teacher:Placement:Fallback"] = "Refuse" });
        var data = Elec2.Rows(4000);
        const string key = "elec2-alone";
        await cluster.Client.GetGrain<IStudentGrain>(key).SetSpecAsync(Elec2.Spec(data.FeatureCount));
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(data, new ReplayOptions { Topic = StudentCluster.Topic, Key = key });

        await WaitForSeenAsync(cluster, key, data.Count);
        var metrics = await cluster.Client.GetGrain<IStudentGrain>(key).GetMetricsAsync();
        Assert.Equal(data.Count, metrics.EventsLearned);
        Assert.Null(metrics.TeacherVersion);
        Assert.Null(metrics.TeacherStalenessSeconds);
        Assert.Null(metrics.TeacherAgreement); // unknown, not "disagrees"
        Assert.True(metrics.Accuracy > 0.7, $"accuracy {metrics.Accuracy:F3}");
    }

    [Fact]
    public async Task Changing_a_spec_bumps_its_version_and_an_identical_spec_does_not()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false);
        var student = cluster.Client.GetGrain<IStudentGrain>("spec-versions");
        var first = await student.SetSpecAsync(Elec2.Spec(8));
        var same = await student.SetSpecAsync(Elec2.Spec(8));
        var changed = await student.SetSpecAsync(Elec2.Spec(8) with { HiddenLayers = [16, 16] });
        Assert.Equal(1, first.Version);
        Assert.Equal(1, same.Version);
        Assert.Equal(2, changed.Version);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => student.SetSpecAsync(Elec2.Spec(8) with { Classes = ["ONLY"] }));
        var duplicate = await Assert.ThrowsAnyAsync<ArgumentException>(() => student.SetSpecAsync(Elec2.Spec(8) with { Classes = ["UP", "UP"] }));
        Assert.Contains("duplicates", duplicate.Message);
        var smoothing = await Assert.ThrowsAnyAsync<ArgumentException>(() => student.SetSpecAsync(Elec2.Spec(8) with { Smoothing = 1.5 }));
        Assert.Contains("Smoothing", smoothing.Message);
        Assert.Equal(2, (await student.GetSpecAsync())!.Version); // rejected specs change nothing
        Assert.True(await ModelRegistry.ContainsAsync(cluster.Client, "spec-versions"));
    }

    [Fact]
    public async Task A_deactivated_student_comes_back_with_the_same_model_twice_over()
    {
        // The student drops its snapshot bytes once written: each reactivation must still restore the stored model,
        // and a student restored that way must write a fresh snapshot before it deactivates again.
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false);
        var data = Elec2.Rows(1200);
        const string key = "elec2-reactivate";
        var student = cluster.Client.GetGrain<IStudentGrain>(key);
        await student.SetSpecAsync(Elec2.Spec(data.FeatureCount, teacherGroup: null));
        var probe = data.Features[7];
        var management = cluster.Client.GetGrain<IManagementGrain>(0);

        long seen = 0;
        foreach (int take in (int[])[500, 700])
        {
            var part = Elec2.Slice(data, (int)seen, take);
            await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(part, new ReplayOptions { Topic = StudentCluster.Topic, Key = key });
            seen += take;
            await WaitForSeenAsync(cluster, key, seen);
            var before = await student.PredictAsync(probe);
            await Eventually.HoldsAsync(async () =>
            {
                await management.ForceActivationCollection(TimeSpan.Zero);
                return (await management.GetSimpleGrainStatistics()).Where(g => g.GrainType.Contains("StudentGrain", StringComparison.Ordinal)).Sum(g => g.ActivationCount) == 0;
            }, Patience, () => Task.FromResult("the student was never deactivated"));
            var after = await student.PredictAsync(probe); // reactivates from storage
            Assert.Equal(before.ModelVersion, after.ModelVersion);
            // Same weights; the forward pass may round differently in the last bit (libtorch picks kernels by alignment).
            for (int c = 0; c < before.Probabilities.Count; c++) Assert.Equal(before.Probabilities[c], after.Probabilities[c], 1e-5);
            Assert.Equal(seen, (await student.GetMetricsAsync()).EventsSeen);
        }
    }

    internal static Confluent.Kafka.Message<byte[], byte[]> Message(string key, byte[] value) => new() { Key = Encoding.UTF8.GetBytes(key), Value = value };

    internal static Task WaitForSeenAsync(InProcessTestCluster cluster, string key, long expected) =>
        Eventually.HoldsAsync(async () => (await cluster.Client.GetGrain<IStudentGrain>(key).GetMetricsAsync()).EventsSeen >= expected,
            Patience, async () => $"{key}: seen {(await cluster.Client.GetGrain<IStudentGrain>(key).GetMetricsAsync()).EventsSeen} of {expected}");

    /// <summary>The learning core alone on the same stream (batches of 64, same spec), scored against the clean labels.</summary>
    private static double CoreAccuracy(LabeledDataset data, NoisyStream stream, string key)
    {
        using var learner = new OnlineLearner(LearnerSpecs.ForStudent(Elec2.Spec(data.FeatureCount), key));
        int f = data.FeatureCount, correct = 0;
        for (int start = 0; start < data.Count; start += 64)
        {
            int rows = Math.Min(64, data.Count - start);
            var features = new float[rows * f];
            for (int r = 0; r < rows; r++) data.Features[start + r].CopyTo(features, r * f);
            var result = learner.TestThenTrain(features, rows, stream.TrainingLabels.AsSpan(start, rows));
            for (int r = 0; r < rows; r++) if (result.Predicted[r] == stream.Truth[start + r]) correct++;
        }
        return (double)correct / data.Count;
    }
}
