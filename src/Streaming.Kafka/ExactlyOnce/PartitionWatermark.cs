using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.ExactlyOnce;

/// <summary>
/// Per-partition bookkeeping of what was read but is not yet durable: per key, the delivered events its grain has not
/// yet persisted; the dead letters not yet acknowledged. The commit watermark is the lowest such offset, or the next
/// offset to read when nothing is outstanding: every record below it has a durable effect.
/// </summary>
internal sealed class PartitionWatermark
{
    private sealed class KeyBacklog
    {
        public readonly Queue<StreamEvent> Events = new();
        public long LastOffset = -1;
        public DateTime LastRedelivery = DateTime.MinValue;
        public DateTime LastProgress = DateTime.UtcNow;
        // Deliveries again since the key last made progress: each one means the delivery before it did not become durable.
        public int Redeliveries;
    }

    private readonly Dictionary<string, KeyBacklog> _byKey = new(StringComparer.Ordinal);
    // Emptied backlogs, reused for the next key that gets one: a key's queue empties at every durability answer and
    // regrowing a fresh one each time was ~20 B of garbage per event. Bounded, so a partition with many keys keeps
    // no more than this many idle queues.
    private readonly Stack<KeyBacklog> _spare = new();
    private const int MaxSpare = 64;
    private readonly SortedSet<long> _deadLetters = [];
    private long _next = -1;

    /// <summary>Events delivered (or cached for delivery) whose effect is not yet durable.</summary>
    public int InFlight { get; private set; }

    /// <summary>Estimated memory of those events (see <see cref="Footprint"/>): what byte backpressure bounds.</summary>
    public long InFlightBytes { get; private set; }

    /// <summary>An event's memory, estimated: its original value, its features, and the objects around them.</summary>
    public static long Footprint(StreamEvent e) => e.Value.Length + 4L * e.Features.Length + 160;

    /// <summary>When an event of any key last became durable, or a dead letter was acknowledged: the partition working.</summary>
    public DateTime LastProgress { get; private set; } = DateTime.MinValue;

    /// <summary>Keys with undurable events.</summary>
    public int PendingKeyCount => _byKey.Count;

    public IEnumerable<string> PendingKeys => _byKey.Keys;

    /// <summary>Every record read, valid or not, moves the read position.</summary>
    public void Read(long offset) => _next = Math.Max(_next, offset + 1);

    /// <summary>Offset of the key's latest undurable event, or -1 when all its events are durable.</summary>
    public long LastUndurableOffset(string key) => _byKey.TryGetValue(key, out var b) ? b.LastOffset : -1;

    public void Delivered(StreamEvent e)
    {
        if (!_byKey.TryGetValue(e.Key, out var backlog)) _byKey[e.Key] = backlog = NewBacklog();
        backlog.Events.Enqueue(e);
        backlog.LastOffset = e.Offset;
        InFlight++;
        InFlightBytes += Footprint(e);
    }

    /// <summary>The key's grain has durably applied everything up to <paramref name="durableOffset"/> in this partition.</summary>
    public void MarkDurable(string key, long durableOffset)
    {
        if (!_byKey.TryGetValue(key, out var backlog)) return;
        while (backlog.Events.Count > 0 && backlog.Events.Peek().Offset <= durableOffset)
        {
            InFlightBytes -= Footprint(backlog.Events.Dequeue());
            backlog.LastProgress = DateTime.UtcNow;
            backlog.Redeliveries = 0;
            LastProgress = backlog.LastProgress;
            InFlight--;
        }
        if (backlog.Events.Count > 0) return;
        _byKey.Remove(key);
        if (_spare.Count < MaxSpare) _spare.Push(backlog);
    }

    // A backlog as new: a spare one starts its progress clock now, as a fresh one does (else it would look stale).
    private KeyBacklog NewBacklog()
    {
        if (!_spare.TryPop(out var backlog)) return new KeyBacklog();
        backlog.LastOffset = -1;
        backlog.LastRedelivery = DateTime.MinValue;
        backlog.LastProgress = DateTime.UtcNow;
        backlog.Redeliveries = 0;
        return backlog;
    }

    /// <summary>The key's undurable events in offset order, to deliver again; empty if none or if redelivered within <paramref name="quietPeriod"/>.</summary>
    public List<StreamEvent> TakeForRedelivery(string key, DateTime now, TimeSpan quietPeriod)
    {
        if (!_byKey.TryGetValue(key, out var backlog) || now - backlog.LastRedelivery < quietPeriod) return [];
        backlog.LastRedelivery = now;
        backlog.Redeliveries++;
        return [.. backlog.Events];
    }

    /// <summary>Deliveries of the key that failed in a row, as known when it is about to be delivered again: the first
    /// delivery and every redelivery since its last progress. 0 when the key has no undurable events.</summary>
    public int FailedDeliveries(string key) => _byKey.TryGetValue(key, out var b) ? b.Redeliveries + 1 : 0;

    /// <summary>How long the key's oldest undurable event has made no progress (zero when it has none).</summary>
    public TimeSpan SinceProgress(string key, DateTime now) => _byKey.TryGetValue(key, out var b) ? now - b.LastProgress : TimeSpan.Zero;

    /// <summary>Removes the key's undurable events, in offset order, to dead-letter them (a quarantined key): the caller
    /// must start their dead letters in the same turn, which then hold the commit until acknowledged.</summary>
    public List<StreamEvent> TakeAll(string key)
    {
        if (!_byKey.Remove(key, out var backlog)) return [];
        var events = new List<StreamEvent>(backlog.Events);
        foreach (var e in events) InFlightBytes -= Footprint(e);
        InFlight -= events.Count;
        backlog.Events.Clear();
        if (_spare.Count < MaxSpare) _spare.Push(backlog);
        return events;
    }

    /// <summary>True when the key's oldest undurable event made no progress for <paramref name="after"/>
    /// (a delivery the agent lost, or a grain that has not persisted): worth delivering again.</summary>
    public bool IsStale(string key, DateTime now, TimeSpan after) =>
        _byKey.TryGetValue(key, out var b) && now - b.LastProgress > after && now - b.LastRedelivery > after;

    public void DeadLetterStarted(long offset) => _deadLetters.Add(offset);

    public void DeadLetterDone(long offset)
    {
        if (_deadLetters.Remove(offset)) LastProgress = DateTime.UtcNow;
    }

    /// <summary>The offset to commit (every record below it is durable), or null before the first read.</summary>
    public long? Watermark
    {
        get
        {
            if (_next < 0) return null;
            long w = _next;
            foreach (var backlog in _byKey.Values) w = Math.Min(w, backlog.Events.Peek().Offset);
            if (_deadLetters.Count > 0) w = Math.Min(w, _deadLetters.Min);
            return w;
        }
    }
}
