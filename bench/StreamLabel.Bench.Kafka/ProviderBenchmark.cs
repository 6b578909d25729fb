using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.DataAdapters;
using StreamLabel.Streaming.Kafka;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.Hosting;

namespace StreamLabel.Bench.Kafka;

/// <summary>
/// `provider`: events/s of the Kafka stream provider (one silo, no-op consumer grains, offsets committed) against a raw
/// Confluent.Kafka consumer and a raw consumer that also parses, same embedded broker and messages.
/// </summary>
internal static class ProviderBenchmark
{
    public static async Task<int> RunAsync(ProviderOptions options)
    {
        int events = options.Events, partitions = options.Partitions, keys = options.Keys, features = options.Features;
        const string topic = "bench";

        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = partitions, Topics = [topic, "bench-dlq"] });
        Console.WriteLine($"provider benchmark: {events} events, {partitions} partitions, {keys} keys, {features} features, embedded broker {broker.BootstrapServers}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var produce = Stopwatch.StartNew();
        long produceErrors = 0;
        string? firstProduceError = null;
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 5 }).Build())
        {
            var rng = new Random(1);
            var row = new float[features];
            var keyBytes = Enumerable.Range(0, keys).Select(k => Encoding.UTF8.GetBytes($"model-{k}")).ToArray();
            for (int i = 0; i < events; i++)
            {
                for (int f = 0; f < features; f++) row[f] = (float)rng.NextDouble();
                var message = new Message<byte[], byte[]> { Key = keyBytes[i % keys], Value = EventWriter.Write(row, (i % 3).ToString(), $"e{i}", 1_700_000_000_000 + i) };
                while (true)
                {
                    try
                    {
                        producer.Produce(topic, message, report =>
                        {
                            if (!report.Error.IsError) return;
                            Interlocked.Increment(ref produceErrors);
                            firstProduceError ??= report.Error.Reason;
                        });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(10)); }
                }
            }
            producer.Flush(TimeSpan.FromMinutes(2));
        }
        if (produceErrors > 0)
        {
            Console.Error.WriteLine($"{produceErrors} of {events} produce requests failed, first: {firstProduceError}");
            return 1;
        }
        Console.WriteLine($"produced in {produce.Elapsed.TotalSeconds:F1} s");

        // Baseline: a raw Confluent.Kafka consumer over all partitions, bytes only (no parsing, no Orleans).
        var raw = Stopwatch.StartNew();
        TimeSpan rawFirst = TimeSpan.Zero, rawLast = TimeSpan.Zero;
        long rawCount = 0;
        using (var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "bench-raw", EnableAutoCommit = false }).Build())
        {
            consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            while (rawCount < events && raw.Elapsed - rawLast < TimeSpan.FromSeconds(20))
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { IsPartitionEOF: false }) continue;
                if (rawCount++ == 0) rawFirst = raw.Elapsed;
                rawLast = raw.Elapsed;
            }
        }
        Report("raw Confluent.Kafka consumer", rawCount, rawLast, rawFirst);

        // Second baseline: the same raw consumer plus the provider's key check and JSON parser (no Orleans).
        var parsing = Stopwatch.StartNew();
        TimeSpan parseFirst = TimeSpan.Zero, parseLast = TimeSpan.Zero;
        long parsed = 0, rejected = 0;
        using (var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "bench-parse", EnableAutoCommit = false }).Build())
        {
            var parser = new EventParser(new KafkaStreamOptions());
            var keyCheck = new RecordKey();
            consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            while (parsed < events && parsing.Elapsed - parseLast < TimeSpan.FromSeconds(20))
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { IsPartitionEOF: false } r) continue;
                if (keyCheck.TryDecode(r.Message.Key, out var key) is not null || parser.TryParse(r.Message.Value, key, out _) is not null) rejected++;
                if (parsed++ == 0) parseFirst = parsing.Elapsed;
                parseLast = parsing.Elapsed;
            }
        }
        Report("raw consumer + key check + JSON parse", parsed, parseLast, parseFirst);
        if (rejected > 0) Console.WriteLine($"  ({rejected} rejected: the benchmark's events should all be valid)");

        // The provider: one silo, no-op consumer grains (implicit subscription per key), offsets committed after "durability".
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering()
            .AddKafkaStreams("kafka", o =>
            {
                o.BootstrapServers = broker.BootstrapServers;
                o.Topics = [topic];
                o.ConsumerGroup = "bench-provider";
                o.DeadLetterTopic = "bench-dlq";
            }));
        using var host = builder.Build();
        var clock = Stopwatch.StartNew();
        await host.StartAsync();
        TimeSpan first = TimeSpan.Zero, last = TimeSpan.Zero;
        long delivered = 0;
        while (delivered < events && clock.Elapsed - last < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(2);
            long now = BenchCounters.Events;
            if (now == delivered) continue;
            if (delivered == 0) first = clock.Elapsed;
            delivered = now;
            last = clock.Elapsed;
        }
        await host.StopAsync();
        Report("provider (no-op grains, 1 silo)", delivered, last, first);
        Console.WriteLine($"provider / raw: {Rate(delivered, last - first) / Rate(rawCount, rawLast - rawFirst):F2} (first to last event), " +
                          $"{Rate(delivered, last) / Rate(rawCount, rawLast):F2} (including consumer/silo start); " +
                          $"provider / (raw + parse): {Rate(delivered, last - first) / Rate(parsed, parseLast - parseFirst):F2} (first to last event)");
        return delivered == events && rawCount == events ? 0 : 1;
    }

    private static double Rate(long n, TimeSpan t) => n / Math.Max(t.TotalSeconds, 1e-3);

    private static void Report(string what, long n, TimeSpan last, TimeSpan first) =>
        Console.WriteLine($"{what}: {n} events; first to last event {(last - first).TotalSeconds:F2} s = {Rate(n, last - first):F0} events/s; " +
                          $"from start {last.TotalSeconds:F2} s = {Rate(n, last):F0} events/s");
}
