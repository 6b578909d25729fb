using System.Collections.Concurrent;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.ExactlyOnce;

/// <summary>
/// Exactly-once bookkeeping for a consuming grain: which offsets it applied, which of those are durable, and gaps.
/// Persist <see cref="Applied"/> in the same state write as the effect (model), then call <see cref="MarkDurable"/>.
/// Not thread-safe: use it from the grain's turns only (the grain's <see cref="IDurableOffsetSource"/> call only reads
/// the durable snapshot, which is replaced, never mutated).
/// </summary>
public sealed class OffsetLedger
{
    // "topic:partition" strings, built once per partition in the process rather than per event or per grain: a silo
    // holds a ledger per key, most of them idle, and all of them name the same few partitions.
    private static readonly ConcurrentDictionary<(string Topic, int Partition), string> Names = new();
    private readonly Dictionary<string, long> _applied;
    private HashSet<string>? _gaps; // made at the first gap: most ledgers never see one
    private Dictionary<string, long> _durable;

    /// <param name="persisted">The applied offsets restored from the grain's state (null or empty for a new grain).</param>
    public OffsetLedger(IReadOnlyDictionary<string, long>? persisted = null)
    {
        _applied = persisted is null ? [] : new Dictionary<string, long>(persisted);
        _durable = new Dictionary<string, long>(_applied);
    }

    /// <summary>"topic:partition" → highest applied offset. Live: store it with the model in one state write.</summary>
    public Dictionary<string, long> Applied => _applied;

    /// <summary>Decides whether to apply the event. Events of one key must be checked in delivery order.</summary>
    public EventVerdict Check(StreamEvent e)
    {
        string partition = NameOf(e);
        long applied = _applied.TryGetValue(partition, out var a) ? a : -1;
        if (e.Offset <= applied) return EventVerdict.Duplicate;
        // The reader says an earlier undurable event of this key exists that we have not applied: it was applied
        // by an activation that died before persisting. Applying this one would skip it.
        if (e.PreviousKeyOffset > applied)
        {
            (_gaps ??= []).Add(partition);
            return EventVerdict.Gap;
        }
        return EventVerdict.Apply;
    }

    /// <summary>Records that the event's effect is applied in memory (also after dead-lettering it: it is handled).</summary>
    public void MarkApplied(StreamEvent e)
    {
        string partition = NameOf(e);
        _applied[partition] = e.Offset;
        _gaps?.Remove(partition);
    }

    private static string NameOf(StreamEvent e) => Names.GetOrAdd((e.Topic, e.Partition), static (_, e) => e.PartitionKey, e);

    /// <summary>Call right after a successful state write that stored <see cref="Applied"/>, before applying more.</summary>
    public void MarkDurable() => _durable = new Dictionary<string, long>(_applied);

    /// <summary>True when something was applied since the last <see cref="MarkDurable"/>.</summary>
    public bool HasUndurable
    {
        get
        {
            foreach (var (partition, offset) in _applied)
                if (!_durable.TryGetValue(partition, out var d) || d != offset) return true;
            return false;
        }
    }

    /// <summary>The answer to <see cref="IDurableOffsetSource.GetDurableOffsetsAsync"/>.</summary>
    public DurableOffsets Report() => new(new Dictionary<string, long>(_durable), _gaps is null ? [] : [.. _gaps]);
}
