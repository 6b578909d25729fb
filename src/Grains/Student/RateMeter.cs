namespace StreamLabel.Grains.Student;

/// <summary>Events per second over the last completed 5-second window (the running window once it spans 1 s).</summary>
internal sealed class RateMeter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private DateTimeOffset _start = DateTimeOffset.UtcNow;
    private long _count;
    private double _last;

    public void Add(long events, DateTimeOffset now)
    {
        if (now - _start >= Window) Roll(now);
        _count += events;
    }

    public double PerSecond(DateTimeOffset now)
    {
        if (now - _start >= Window) Roll(now);
        var elapsed = (now - _start).TotalSeconds;
        return elapsed >= 1 && _count > 0 ? _count / elapsed : _last;
    }

    private void Roll(DateTimeOffset now)
    {
        var elapsed = (now - _start).TotalSeconds;
        // A window longer than two spans had idle time in it: the rate is what arrived over the whole stretch.
        _last = _count / elapsed;
        (_start, _count) = (now, 0);
    }
}
