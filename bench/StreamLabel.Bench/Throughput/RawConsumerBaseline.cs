using System.Diagnostics;
using Confluent.Kafka;

namespace StreamLabel.Bench.Throughput;

/// <summary>The ceiling of ingestion: one plain Confluent.Kafka consumer reading the same messages from the same broker.</summary>
public static class RawConsumerBaseline
{
    public static double EventsPerSecond(string bootstrap, string topic, int partitions, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "bench-raw-consumer", EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // The fetch wait the silo's consumers get with the embedded broker: a fair ceiling reads with the same settings.
            FetchWaitMaxMs = (int)StreamLabel.Streaming.Kafka.Embedded.EmbeddedKafkaBroker.ConsumerFetchWait.TotalMilliseconds,
            // librdkafka pauses fetching for fetch.queue.backoff.ms (1 s by default) whenever its prefetch queue is full;
            // with the default the same reader measured ~120k or ~300k events/s depending on when that happened.
            FetchQueueBackoffMs = 10,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        var perPartition = new long[partitions];
        int read = 0;
        while (read < expected)
        {
            var r = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException(
                $"raw consumer read {read} of {expected} events; per partition read/high: " + string.Join(", ", Enumerable.Range(0, partitions)
                    .Select(p => $"{p}:{perPartition[p]}/{consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).High.Value}")));
            if (r.IsPartitionEOF || r.Message is null) continue;
            bytes += r.Message.Value.Length;
            perPartition[r.Partition.Value]++;
            read++;
        }
        double rate = read / clock.Elapsed.TotalSeconds;
        consumer.Close();
        return rate;
    }
}
