using Microsoft.Extensions.Configuration;
using System.Text;
using Confluent.Kafka;
using StreamLabel.Streaming.Kafka.Embedded;

namespace StreamLabel.Streaming.Kafka.Tests.Embedded;

/// <summary>Real Confluent.Kafka clients against the embedded Kafka-protocol broker.</summary>
public sealed class EmbeddedKafkaBrokerTests
{
    [Fact]
    public void Creates_the_configured_topics_and_partitions_up_front()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Brokers = 3, Partitions = 4, Topics = ["a", "b"] });
        Assert.StartsWith("127.0.0.1:", broker.BootstrapServers);
        Assert.Equal(3, broker.BootstrapServers.Split(',').Length);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Brokers.Count);
        foreach (var topic in new[] { "a", "b" })
            Assert.Equal(4, metadata.Topics.Single(t => t.Topic == topic).Partitions.Count);
    }

    [Fact]
    public void Configured_topics_replace_the_default_instead_of_joining_it()
    {
        var bound = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["EmbeddedBroker:Topics:0"] = "orders" }).Build()
            .GetSection("EmbeddedBroker").Get<EmbeddedBrokerOptions>()!;
        Assert.Equal(["orders"], bound.EffectiveTopics);
        Assert.Equal(["events"], new EmbeddedBrokerOptions().EffectiveTopics);
        using var broker = EmbeddedKafkaBroker.Start(bound);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == "events");
    }

    [Fact]
    public void Rejects_invalid_options_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 0 }));
        Assert.Contains("EmbeddedBroker:Partitions", e.Message);
    }

    [Fact]
    public async Task Round_trips_through_a_consumer_group_and_committed_offsets_survive_a_consumer_restart()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = ["rt"] });
        await ProduceAsync(broker.BootstrapServers, "rt", 0, 100);

        var firstHalf = Consume(broker.BootstrapServers, "rt", "group-1", 50, commit: true);
        Assert.Equal(50, firstHalf.Count);

        // A new consumer in the same group starts at the committed offsets: it sees exactly the other 50.
        await ProduceAsync(broker.BootstrapServers, "rt", 100, 0);
        var rest = Consume(broker.BootstrapServers, "rt", "group-1", 50, commit: true);
        Assert.Equal(50, rest.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"v{i}").Order(), firstHalf.Concat(rest).Order());

        // Nothing is left for the group.
        Assert.Empty(Consume(broker.BootstrapServers, "rt", "group-1", 1, commit: false, timeout: TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Producing_resumes_after_the_broker_comes_back_up()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = ["outage"] });
        await ProduceAsync(broker.BootstrapServers, "outage", 0, 10);
        broker.SetBrokerDown(1);
        var config = new ProducerConfig { BootstrapServers = broker.BootstrapServers, MessageTimeoutMs = 30_000 };
        using var producer = new ProducerBuilder<Null, string>(config).Build();
        var pending = producer.ProduceAsync("outage", new Message<Null, string> { Value = "during" });
        await Task.Delay(1500);
        Assert.False(pending.IsCompleted, "a produce cannot complete while the only broker is down");
        broker.SetBrokerUp(1);
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(25));
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.Equal(11, Consume(broker.BootstrapServers, "outage", "g", 11, commit: false).Count);
    }

    private static async Task ProduceAsync(string bootstrap, string topic, int from, int count)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        for (int i = from; i < from + count; i++)
            await producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{i % 7}", Value = $"v{i}" });
    }

    private static List<string> Consume(string bootstrap, string topic, string group, int max, bool commit, TimeSpan? timeout = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 6000,
        };
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Subscribe(topic);
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (seen.Count < max && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null || result.IsPartitionEOF) continue;
            seen.Add(result.Message.Value);
            if (commit) consumer.Commit(result);
        }
        consumer.Close();
        return seen;
    }
}
