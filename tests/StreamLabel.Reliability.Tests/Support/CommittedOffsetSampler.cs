using Confluent.Kafka;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>
/// Samples the consumer group's committed offset of every partition in the background (Consumer.Committed, without
/// joining the group) and records every time one went backwards.
/// </summary>
internal sealed class CommittedOffsetSampler : IAsyncDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly List<TopicPartition> _partitions;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Dictionary<int, long> _last = [];
    private readonly List<string> _regressions = [];
    public int Samples { get; private set; }

    public CommittedOffsetSampler(string bootstrap, string group, string topic, int partitions, TimeSpan every)
    {
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group, EnableAutoCommit = false }).Build();
        _partitions = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                try { await Task.Delay(every, _stop.Token); } catch (OperationCanceledException) { }
            }
        });
    }

    /// <summary>One reading of every partition's committed offset (null for a failed reading).</summary>
    public Dictionary<int, long>? Read()
    {
        try
        {
            return _consumer.Committed(_partitions, TimeSpan.FromSeconds(3))
                .Where(o => o.Offset.Value >= 0).ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
        }
        catch (KafkaException) { return null; } // the broker may be down on purpose
    }

    private void Sample()
    {
        var now = Read();
        if (now is null) return;
        lock (_last)
        {
            Samples++;
            foreach (var (p, offset) in now)
            {
                if (_last.TryGetValue(p, out var before) && offset < before) _regressions.Add($"partition {p}: {before} -> {offset}");
                _last[p] = offset;
            }
        }
    }

    public IReadOnlyList<string> Regressions { get { lock (_last) return _regressions.ToList(); } }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _consumer.Close();
        _consumer.Dispose();
    }
}
