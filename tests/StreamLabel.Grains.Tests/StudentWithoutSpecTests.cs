using System.Text;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>Keys without a model spec dead-letter their events; their offsets must become durable at once, or the
/// first of them holds the partition's commit back (and, with enough of them, pauses the partition).</summary>
public sealed class StudentWithoutSpecTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Events_of_keys_without_a_spec_are_dead_lettered_and_committed_at_once()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false); // no Models:Patterns
        var features = Elec2.Rows(1).Features[0];
        const int keys = 20, perKey = 3;
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await Task.WhenAll(Enumerable.Range(0, keys * perKey).Select(i =>
                producer.ProduceAsync(StudentCluster.Topic, StudentLearningTests.Message($"no-spec-{i % keys}", EventWriter.Write(features, "UP", $"e{i}")))));

        var dead = TopicReader.ReadAll(broker.BootstrapServers, StudentCluster.DeadLetters, 2, keys * perKey, TimeSpan.FromSeconds(60));
        Assert.Equal(keys * perKey, dead.Count);
        Assert.All(dead, r => Assert.Equal(DeadLetterReasons.NoModelSpec, Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(EventHeaders.DeadLetterReason))));
        // Far fewer than Student:PersistEveryEvents (2,000) events, and well within Kafka:RedeliverAfter's rounds.
        await Eventually.HoldsAsync(() => Task.FromResult(GroupProgress.CaughtUp(broker.BootstrapServers, StudentCluster.Topic, 2)),
            TimeSpan.FromSeconds(20), () => Task.FromResult(GroupProgress.Describe(broker.BootstrapServers, StudentCluster.Topic, 2)));
    }
}
