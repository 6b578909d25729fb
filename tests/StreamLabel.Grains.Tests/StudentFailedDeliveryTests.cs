using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using StreamLabel.Grains.Student;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Replay;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>A delivery that fails part-way (here its dead letter is not acknowledged) must not become durable: Kafka's
/// redelivery then applies every event once and writes the dead letter.</summary>
public sealed class StudentFailedDeliveryTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_delivery_whose_dead_letter_fails_is_redelivered_and_every_event_is_applied_once()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false, configureSilo: silo => silo.ConfigureServices(services =>
            services.AddSingleton<IDeadLetterWriter>(sp => new FailFirstDeadLetterWriter(sp.GetRequiredKeyedService<IDeadLetterWriter>(KafkaTestCluster.ProviderName)))));
        var data = Elec2.Rows(300);
        const string key = "elec2-failed-delivery";
        var student = cluster.Client.GetGrain<IStudentGrain>(key);
        await student.SetSpecAsync(Elec2.Spec(data.FeatureCount, teacherGroup: null));

        // Valid events on both sides of the rejected one, so the failed delivery also learned before it failed.
        var replay = new ReplayOptions { Topic = StudentCluster.Topic, Key = key };
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(Elec2.Slice(data, 0, 150), replay);
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await producer.ProduceAsync(StudentCluster.Topic, StudentLearningTests.Message(key, EventWriter.Write(data.Features[0], "SIDEWAYS", "bad-label")));
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(Elec2.Slice(data, 150, 150), replay);

        var dead = TopicReader.ReadAll(broker.BootstrapServers, StudentCluster.DeadLetters, 1, 1, Patience);
        var writer = (FailFirstDeadLetterWriter)cluster.Silos[0].ServiceProvider.GetRequiredService<IDeadLetterWriter>();
        Assert.Equal(1, writer.Failures); // the failure path was taken
        Assert.True(dead.Count == 1, "the dead letter of the failed delivery was never written: its offset was saved as applied");
        Assert.Equal(DeadLetterReasons.UnknownLabel, Encoding.UTF8.GetString(dead[0].Message.Headers.GetLastBytes(EventHeaders.DeadLetterReason)));

        // Everything durable (committed to the end), then the count from the stored model: each valid event once.
        await Eventually.HoldsAsync(() => Task.FromResult(GroupProgress.CaughtUp(broker.BootstrapServers, StudentCluster.Topic, 1)), Patience,
            () => Task.FromResult(GroupProgress.Describe(broker.BootstrapServers, StudentCluster.Topic, 1)));
        await DeactivateStudentsAsync(cluster);
        Assert.Equal(data.Count, (await student.GetMetricsAsync()).EventsSeen);
        Assert.Equal(1, GroupProgress.EndOf(broker.BootstrapServers, StudentCluster.DeadLetters)); // one dead letter, not two
    }

    private static Task DeactivateStudentsAsync(Orleans.TestingHost.InProcessTestCluster cluster)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        return Eventually.HoldsAsync(async () =>
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            return (await management.GetSimpleGrainStatistics()).Where(g => g.GrainType.Contains("StudentGrain", StringComparison.Ordinal)).Sum(g => g.ActivationCount) == 0;
        }, Patience, () => Task.FromResult("the student was never deactivated"));
    }
}
