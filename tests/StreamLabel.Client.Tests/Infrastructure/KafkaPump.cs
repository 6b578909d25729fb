using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamLabel.Client.Tests.TestGrains;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>
/// Reads the events topic from the embedded broker and hands each poll's events, grouped by key, to the test student
/// grains (standing in for the lead's Kafka stream provider). Unparseable records are counted as dead letters.
/// </summary>
public sealed class KafkaPump(string bootstrap, string topic, IGrainFactory grains, IntakeStats stats, string silo) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start(int partitions) => _loop = Task.Run(() => RunAsync(partitions));

    private async Task RunAsync(int partitions)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "client-tests", EnableAutoCommit = false };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var pending = new Dictionary<(string Key, int Partition), List<(float[] X, string? Y, string? Clean, long Offset)>>();
        var lastWatermarks = DateTime.MinValue;
        while (!_stop.IsCancellationRequested)
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(50);
            while (DateTime.UtcNow < deadline && pending.Sum(p => p.Value.Count) < 2000)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(20));
                if (r is null) break;
                if (!TryParse(r.Message, out var x, out var y, out var clean))
                {
                    stats.Update(topic, r.Partition.Value, p => p with { DeadLetters = p.DeadLetters + 1, CommittedOffset = r.Offset.Value + 1 }, silo);
                    continue;
                }
                var key = (r.Message.Key is null ? "default" : Encoding.UTF8.GetString(r.Message.Key), r.Partition.Value);
                if (!pending.TryGetValue(key, out var list)) pending[key] = list = [];
                list.Add((x, y, clean, r.Offset.Value));
            }
            foreach (var ((key, partition), list) in pending)
            {
                if (list.Count == 0) continue;
                var batch = new ObservedBatch(list.Select(e => e.X).ToArray(), list.Select(e => e.Y).ToArray(), list.Select(e => e.Clean).ToArray(), topic, partition, list[^1].Offset);
                try { await grains.GetGrain<ITestStudentFeed>(key).ObserveAsync(batch); }
                catch (Exception) when (_stop.IsCancellationRequested) { return; }
                long next = list[^1].Offset + 1;
                stats.Update(topic, partition, p => p with { CommittedOffset = Math.Max(p.CommittedOffset, next) }, silo);
                list.Clear();
            }
            if (DateTime.UtcNow - lastWatermarks > TimeSpan.FromMilliseconds(300))
            {
                lastWatermarks = DateTime.UtcNow;
                for (int p = 0; p < partitions; p++)
                {
                    var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(2));
                    stats.Update(topic, p, s => s with { HighWatermark = w.High.Value }, silo);
                }
            }
        }
    }

    private static bool TryParse(Message<byte[], byte[]> m, out float[] features, out string? label, out string? clean)
    {
        features = [];
        label = clean = null;
        try
        {
            using var doc = JsonDocument.Parse(m.Value);
            features = doc.RootElement.GetProperty("features").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            label = doc.RootElement.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            clean = m.Headers?.TryGetLastBytes(EventHeaders.CleanLabel, out var c) == true ? Encoding.UTF8.GetString(c) : null;
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null) try { await _loop; } catch (OperationCanceledException) { }
    }
}
