using StreamLabel.Grains.Student;

namespace StreamLabel.Grains.Cluster;

/// <summary>
/// This silo's active students and the events they saw, kept by the students as they learn, so `status` gets event
/// totals from each silo (<see cref="StudentTallyReporter"/>) and the registry shards instead of calling every student,
/// which activated every idle one. Thread-safe: students of the silo update it from Orleans' scheduler threads.
/// </summary>
public sealed class StudentTally
{
    private readonly object _gate = new();
    // Per active key: its current model's events seen when it activated, and now.
    private readonly Dictionary<string, (long AtActivation, long Seen)> _active = new(StringComparer.Ordinal);
    private readonly RateMeter _rate = new();

    /// <summary>A student activated (or started a new model) having seen <paramref name="eventsSeen"/> events.</summary>
    public void Activated(string key, long eventsSeen)
    {
        lock (_gate) _active[key] = (eventsSeen, eventsSeen);
    }

    /// <summary>A student stepped <paramref name="rows"/> events and has seen <paramref name="eventsSeen"/> in all.</summary>
    public void Stepped(string key, int rows, long eventsSeen, DateTimeOffset now)
    {
        lock (_gate)
        {
            var at = _active.TryGetValue(key, out var entry) ? entry.AtActivation : eventsSeen - rows;
            _active[key] = (at, eventsSeen);
            _rate.Add(rows, now);
        }
    }

    public void Deactivated(string key)
    {
        lock (_gate) _active.Remove(key);
    }

    /// <summary>Each active student's events seen.</summary>
    public List<KeyValuePair<string, long>> SeenByKey()
    {
        lock (_gate) return _active.Select(e => KeyValuePair.Create(e.Key, e.Value.Seen)).ToList();
    }

    public SiloStudentTotals Snapshot(DateTimeOffset now)
    {
        lock (_gate)
            return new SiloStudentTotals(_active.Count, _active.Values.Sum(e => e.Seen), _active.Values.Sum(e => e.Seen - e.AtActivation), _rate.PerSecond(now));
    }
}
