using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.Tests.Grains;
using StreamLabel.Testing;

namespace StreamLabel.Streaming.Kafka.Tests.Provider;

/// <summary>Dead letters near or over the producer's size limit are written (whole or metadata-only), never retried
/// forever with the partition's commit pinned behind them.</summary>
public sealed class OversizedDeadLetterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_bad_record_just_under_the_default_record_limit_is_dead_lettered_and_the_commit_reaches_the_end()
    {
        const string topic = "near-limit", dlq = "near-limit-dlq";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [topic, dlq] });
        // Default options: Kafka:MaxRecordBytes is 1 MiB, above librdkafka's default producer message.max.bytes (1000000).
        await using var cluster = await KafkaTestCluster.StartAsync(1, broker, redis: null, o =>
        {
            o.Topics = [topic];
            o.ConsumerGroup = "g-" + topic;
            o.DeadLetterTopic = dlq;
            o.DurabilityPollInterval = TimeSpan.FromMilliseconds(300);
        }, silo => silo.Services.AddSingleton(new ConsumerBehavior()));

        // Malformed JSON (never closed) of 1,040,000 bytes: accepted size, rejected content.
        var bad = Encoding.UTF8.GetBytes("{\"features\":[1],\"id\":\"" + new string('x', 1_040_000 - 22));
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, MessageMaxBytes = 2_000_000 }).Build())
        {
            KafkaTestData.Produce(producer, topic, U("near-1"), EventWriter.Write([1, 2], "a", "near-1:0"));
            KafkaTestData.Produce(producer, topic, U("near-1"), bad);
            KafkaTestData.Produce(producer, topic, U("near-1"), EventWriter.Write([3, 4], "b", "near-1:1"));
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var letter = Assert.Single(KafkaTestData.ReadAll(broker.BootstrapServers, dlq, 1, Patience));
        Assert.Equal(DeadLetterReasons.MalformedJson, KafkaTestData.Header(letter, EventHeaders.DeadLetterReason));
        Assert.Equal("1", KafkaTestData.Header(letter, EventHeaders.DeadLetterOffset));
        // Whole when the broker takes it, else metadata-only with the original's size: either way accounted for.
        if (letter.Message.Value is { Length: > 0 } value) Assert.Equal(bad, value);
        else Assert.Equal(bad.Length.ToString(), KafkaTestData.Header(letter, EventHeaders.DeadLetterOriginalBytes));
        await AssertCommittedToTheEndAsync(broker, topic);
    }

    [Fact]
    public async Task An_oversized_record_the_producer_cannot_carry_becomes_a_metadata_only_letter_and_the_commit_reaches_the_end()
    {
        const string topic = "too-big", dlq = "too-big-dlq";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [topic, dlq] });
        await using var cluster = await KafkaTestCluster.StartAsync(1, broker, redis: null, o =>
        {
            o.Topics = [topic];
            o.ConsumerGroup = "g-" + topic;
            o.DeadLetterTopic = dlq;
            o.MaxRecordBytes = 1024;
            o.Client = new() { [DeadLetterLimits.ProducerMessageMaxBytes] = "8192" };   // enough for 1024 + room, not for the record
            o.DurabilityPollInterval = TimeSpan.FromMilliseconds(300);
        }, silo => silo.Services.AddSingleton(new ConsumerBehavior()));

        var big = EventWriter.Write(Enumerable.Repeat(0.125f, 4000).ToArray(), "a", "big");
        using (var producer = KafkaTestData.Producer(broker.BootstrapServers))
        {
            KafkaTestData.Produce(producer, topic, U("big-1"), big);
            KafkaTestData.Produce(producer, topic, U("big-1"), EventWriter.Write([1], "a", "big-1:0"));
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var letter = Assert.Single(KafkaTestData.ReadAll(broker.BootstrapServers, dlq, 1, Patience));
        Assert.Equal(DeadLetterReasons.OversizedRecord, KafkaTestData.Header(letter, EventHeaders.DeadLetterReason));
        Assert.Equal((topic, "0", "0"), (KafkaTestData.Header(letter, EventHeaders.DeadLetterTopic),
            KafkaTestData.Header(letter, EventHeaders.DeadLetterPartition), KafkaTestData.Header(letter, EventHeaders.DeadLetterOffset)));
        Assert.Equal(big.Length.ToString(), KafkaTestData.Header(letter, EventHeaders.DeadLetterOriginalBytes));
        Assert.Equal("5", KafkaTestData.Header(letter, EventHeaders.DeadLetterOriginalKeyBytes));
        Assert.Empty(letter.Message.Value ?? []);
        var counts = cluster.Silos[0].ServiceProvider.GetRequiredService<IDeadLetterWriter>().CountsByReason;
        Assert.Equal(1, counts.GetValueOrDefault(DeadLetterReasons.OversizedRecord));
        await AssertCommittedToTheEndAsync(broker, topic);
    }

    [Fact]
    public async Task A_grain_rejection_with_a_huge_label_is_written_with_its_detail_cut_short_and_without_an_original_that_cannot_fit()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = ["in", "huge-dlq"] });
        var options = new KafkaStreamOptions { BootstrapServers = broker.BootstrapServers, DeadLetterTopic = "huge-dlq" };
        using var output = new KafkaOutputProducer(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<KafkaOutputProducer>.Instance);
        var writer = new DeadLetterProducer(options, output);
        string label = new('z', 2_000_000);
        var value = EventWriter.Write([1f], label, "e-1");
        var rejected = new StreamEvent("in", 0, 41, -1, "model-7", "e-1", [1f], label, null, null, value);

        await writer.WriteAsync(rejected, DeadLetterReasons.UnknownLabel, $"label '{label}' is not in [cat, dog]");

        var letter = Assert.Single(KafkaTestData.ReadAll(broker.BootstrapServers, "huge-dlq", 1, Patience));
        Assert.Equal(DeadLetterReasons.UnknownLabel, KafkaTestData.Header(letter, EventHeaders.DeadLetterReason));
        Assert.Equal("41", KafkaTestData.Header(letter, EventHeaders.DeadLetterOffset));
        Assert.Equal(value.Length.ToString(), KafkaTestData.Header(letter, EventHeaders.DeadLetterOriginalBytes));
        var detail = KafkaTestData.Header(letter, EventHeaders.DeadLetterDetail);
        Assert.InRange(detail.Length, 100, DeadLetterLimits.MaxDetailChars + 32);
        Assert.StartsWith("label 'zzz", detail, StringComparison.Ordinal);
        Assert.Equal(1, writer.CountsByReason[DeadLetterReasons.UnknownLabel]);
    }

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    private static Task AssertCommittedToTheEndAsync(EmbeddedKafkaBroker broker, string topic) =>
        Eventually.HoldsAsync(() => Task.FromResult(KafkaTestData.Progress(broker.BootstrapServers, topic, 1, "g-" + topic).Single() is var p && p.Committed == p.End),
            Patience, () => Task.FromResult(KafkaTestData.Progress(broker.BootstrapServers, topic, 1, "g-" + topic).Single().ToString()));
}
