using System.Text;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>Models:Patterns:N:MaxKeys caps how many keys a pattern gives a model: keys beyond it are dead-lettered as
/// key-cap (and committed), the admitted ones learn, and the cap holds for keys that come back.</summary>
public sealed class KeyCapTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Keys_beyond_a_patterns_cap_are_dead_lettered_and_the_admitted_ones_learn()
    {
        const int keys = 5, cap = 3, perKey = 4;
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false, new Dictionary<string, string?>
        {
            ["Models:Patterns:0:Pattern"] = "cap-*",
            ["Models:Patterns:0:MaxKeys"] = cap.ToString(),
            ["Models:Patterns:0:FeatureCount"] = "8",
            ["Models:Patterns:0:Classes:0"] = "DOWN",
            ["Models:Patterns:0:Classes:1"] = "UP",
        });
        var data = Elec2.Rows(keys * perKey);
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            for (int i = 0; i < data.Count; i++)
                await producer.ProduceAsync(StudentCluster.Topic, StudentLearningTests.Message($"cap-{i % keys}", EventWriter.Write(data.Features[i], data.Classes[data.Labels[i]], $"e{i}")));

        await Eventually.HoldsAsync(() => Task.FromResult(GroupProgress.CaughtUp(broker.BootstrapServers, StudentCluster.Topic, 2)),
            TimeSpan.FromSeconds(60), () => Task.FromResult(GroupProgress.Describe(broker.BootstrapServers, StudentCluster.Topic, 2)));
        var dead = TopicReader.ReadAll(broker.BootstrapServers, StudentCluster.DeadLetters, 2, (keys - cap) * perKey, TimeSpan.FromSeconds(30));
        Assert.Equal((keys - cap) * perKey, dead.Count);
        Assert.All(dead, r => Assert.Equal(DeadLetterReasons.KeyCap, Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(EventHeaders.DeadLetterReason))));
        var capped = dead.Select(r => Encoding.UTF8.GetString(r.Message.Key)).Distinct().ToList();
        Assert.Equal(keys - cap, capped.Count);

        var seen = new Dictionary<string, long>();
        for (int k = 0; k < keys; k++)
            seen[$"cap-{k}"] = (await cluster.Client.GetGrain<IStudentGrain>($"cap-{k}").GetMetricsAsync()).EventsSeen;
        Assert.All(seen.Where(s => !capped.Contains(s.Key)), s => Assert.Equal(perKey, s.Value));
        Assert.All(capped, k => Assert.Equal(0, seen[k]));
        Assert.Equal(cap, await cluster.Client.GetGrain<IKeyQuotaGrain>("cap-*").CountAsync());
        Assert.Equal(cap, (await ModelRegistry.ListModelsAsync(cluster.Client)).Count(k => k.StartsWith("cap-", StringComparison.Ordinal)));
    }
}
