using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.DataAdapters;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.Hosting;
using StreamLabel.Streaming.Kafka.Tests.Grains;
using StreamLabel.Testing;

namespace StreamLabel.Streaming.Kafka.Tests.Provider;

/// <summary>The payload format belongs to the data adapter: one registered with UseDataAdapter replaces the JSON format.</summary>
public sealed class DataAdapterTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task A_registered_data_adapter_reads_the_records_one_per_partition_and_its_rejections_are_dead_lettered()
    {
        const string topic = "text-events", dlq = "text-events-dlq";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [topic, dlq] });
        int adapters = 0;
        await using var cluster = await KafkaTestCluster.StartAsync(1, broker, redis: null, o =>
            {
                o.Topics = [topic];
                o.ConsumerGroup = "g-text";
                o.DeadLetterTopic = dlq;
            }, silo => silo.Services.AddSingleton(new ConsumerBehavior()),
            stream => stream.UseDataAdapter((_, _) =>
            {
                Interlocked.Increment(ref adapters);
                return new TextEventAdapter();
            }));

        using (var producer = KafkaTestData.Producer(broker.BootstrapServers))
        {
            for (int i = 0; i < 20; i++) KafkaTestData.Produce(producer, topic, U($"text-{i % 2}"), U($"{i / 2};a"));
            KafkaTestData.Produce(producer, topic, U("text-0"), EventWriter.Write([1f], "a")); // JSON is not this adapter's format
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await Eventually.HoldsAsync(async () =>
            {
                foreach (var key in new[] { "text-0", "text-1" })
                    if ((await cluster.Client.GetGrain<ITestConsumerGrain>(key).GetSnapshotAsync()).Applied != 10) return false;
                return true;
            }, TimeSpan.FromSeconds(60), () => Task.FromResult("the adapter's events were not applied"));
        var letter = Assert.Single(TopicReader.ReadAll(broker.BootstrapServers, dlq, partitions: 2, expected: 1, TimeSpan.FromSeconds(60)));
        Assert.Equal(TextEventAdapter.NotText, KafkaTestData.Header(letter, EventHeaders.DeadLetterReason));
        Assert.Equal(2, adapters);
    }

    /// <summary>Values "sequence;label": the sequence becomes the one feature and the id the test consumer checks.</summary>
    private sealed class TextEventAdapter : IKafkaDataAdapter
    {
        public const string NotText = "not-text-event";

        public StreamEvent? ToEvent(in ReceivedRecord record, out (string Reason, string Detail) rejection)
        {
            var parts = Encoding.UTF8.GetString(record.Value).Split(';');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int sequence))
            {
                rejection = (NotText, "not \"sequence;label\"");
                return null;
            }
            rejection = default;
            return new StreamEvent(record.Topic, record.Partition, record.Offset, record.PreviousKeyOffset, record.Key,
                $"{record.Key}:{sequence}", [sequence], parts[1], null, null, record.Value);
        }
    }
}
