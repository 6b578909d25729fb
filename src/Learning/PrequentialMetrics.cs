namespace StreamLabel.Learning;

/// <summary>
/// Prequential (test-then-train) accuracy: cumulative, and over a sliding window of the last
/// <see cref="WindowSize"/> scored events (a ring buffer of hits).
/// </summary>
public sealed class PrequentialMetrics(int windowSize = 500)
{
    private readonly bool[] _window = windowSize > 0 ? new bool[windowSize] : throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "must be > 0");
    private int _next, _filled, _windowHits;

    public int WindowSize => _window.Length;
    public long Count { get; private set; }
    public long Hits { get; private set; }

    /// <summary>Cumulative accuracy (NaN before the first event).</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Hits / Count;

    /// <summary>Accuracy over the last min(Count, WindowSize) events (NaN before the first event).</summary>
    public double WindowAccuracy => _filled == 0 ? double.NaN : (double)_windowHits / _filled;

    /// <summary>True once the window holds <see cref="WindowSize"/> events.</summary>
    public bool WindowFull => _filled == _window.Length;

    public void Add(bool correct)
    {
        Count++;
        if (correct) Hits++;
        if (_filled == _window.Length) { if (_window[_next]) _windowHits--; }
        else _filled++;
        _window[_next] = correct;
        if (correct) _windowHits++;
        _next = (_next + 1) % _window.Length;
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(_window.Length); w.Write(Count); w.Write(Hits); w.Write(_next); w.Write(_filled); w.Write(_windowHits);
        foreach (var b in _window) w.Write(b);
    }

    internal void Read(BinaryReader r)
    {
        int size = r.ReadInt32();
        if (size != _window.Length) throw new InvalidDataException($"snapshot metrics window is {size}, expected {_window.Length}");
        Count = r.ReadInt64(); Hits = r.ReadInt64(); _next = r.ReadInt32(); _filled = r.ReadInt32(); _windowHits = r.ReadInt32();
        for (int i = 0; i < size; i++) _window[i] = r.ReadBoolean();
    }
}
