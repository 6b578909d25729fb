using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamLabel.Bench.Kafka;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.Hosting;

// streamlabel-bench-kafka provider [--events N] [--partitions P] [--keys K] [--features F]
if (args.Length == 0 || args[0] != "provider")
{
    Console.Error.WriteLine("usage: streamlabel-bench-kafka provider [--events 200000] [--partitions 4] [--keys 64] [--features 8]");
    return 2;
}
int Arg(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
int events = Arg("--events", 200_000), partitions = Arg("--partitions", 4), keys = Arg("--keys", 64), features = Arg("--features", 8);
const string topic = "bench";

using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = partitions, Topics = [topic, "bench-dlq"] });
Console.WriteLine($"provider benchmark: {events} events, {partitions} partitions, {keys} keys, {features} features, embedded broker {broker.BootstrapServers}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");

var produce = Stopwatch.StartNew();
using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 20, BatchNumMessages = 10_000 }).Build())
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
            try { producer.Produce(topic, message); break; }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(10)); }
        }
    }
    producer.Flush(TimeSpan.FromMinutes(2));
}
Console.WriteLine($"produced in {produce.Elapsed.TotalSeconds:F1} s");

// Baseline: a raw Confluent.Kafka consumer over all partitions, bytes only (no parsing, no Orleans).
var raw = Stopwatch.StartNew();
long rawCount = 0;
using (var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "bench-raw", EnableAutoCommit = false }).Build())
{
    consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
    var deadline = DateTime.UtcNow.AddMinutes(5);
    while (rawCount < events && DateTime.UtcNow < deadline)
        if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false }) rawCount++;
}
raw.Stop();
double rawRate = rawCount / raw.Elapsed.TotalSeconds;
Console.WriteLine($"raw Confluent.Kafka consumer: {rawCount} events in {raw.Elapsed.TotalSeconds:F2} s = {rawRate:F0} events/s");

// The provider: one silo, no-op consumer grains (implicit subscription per key), offsets committed after "durability".
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
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
var started = Stopwatch.StartNew();
await host.StartAsync();
var startup = started.Elapsed;
var firstEventAt = TimeSpan.Zero;
var deadlineProvider = DateTime.UtcNow.AddMinutes(5);
while (BenchCounters.Events < events && DateTime.UtcNow < deadlineProvider)
{
    if (firstEventAt == TimeSpan.Zero && BenchCounters.Events > 0) firstEventAt = started.Elapsed;
    await Task.Delay(5);
}
var total = started.Elapsed;
long delivered = BenchCounters.Events;
await host.StopAsync();
double providerRate = delivered / (total - startup).TotalSeconds;
double steadyRate = delivered / (total - firstEventAt).TotalSeconds;
Console.WriteLine($"provider (no-op grains): {delivered} events in {(total - startup).TotalSeconds:F2} s after silo start " +
                  $"= {providerRate:F0} events/s ({steadyRate:F0} events/s from the first delivered event); silo start {startup.TotalSeconds:F1} s");
Console.WriteLine($"provider / raw = {providerRate / rawRate:F2} (first-event basis {steadyRate / rawRate:F2})");
return delivered == events && rawCount == events ? 0 : 1;
