namespace StreamLabel.Learning;

/// <summary>
/// Prequential (test-then-train) accuracy: cumulative, and over a sliding window of the last
/// <see cref="WindowSize"/> scored events (a ring buffer of hits).
/// </summary>
public sealed class PrequentialMetrics(int windowSize = 500)
{
    // One bit per scored event (a bool[] took 8x the memory; every student keeps two windows).
    private readonly ulong[] _window = windowSize > 0 ? new ulong[(windowSize + 63) / 64] : throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "must be > 0");
    private int _next, _filled, _windowHits;

    public int WindowSize { get; } = windowSize;
    public long Count { get; private set; }
    public long Hits { get; private set; }

    /// <summary>Cumulative accuracy (NaN before the first event).</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Hits / Count;

    /// <summary>Accuracy over the last min(Count, WindowSize) events (NaN before the first event).</summary>
    public double WindowAccuracy => _filled == 0 ? double.NaN : (double)_windowHits / _filled;

    /// <summary>True once the window holds <see cref="WindowSize"/> events.</summary>
    public bool WindowFull => _filled == WindowSize;

    public void Add(bool correct)
    {
        Count++;
        if (correct) Hits++;
        if (_filled == WindowSize) { if (Hit(_next)) _windowHits--; }
        else _filled++;
        SetHit(_next, correct);
        if (correct) _windowHits++;
        _next = (_next + 1) % WindowSize;
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(WindowSize); w.Write(Count); w.Write(Hits); w.Write(_next); w.Write(_filled); w.Write(_windowHits);
        for (int i = 0; i < WindowSize; i++) w.Write(Hit(i)); // one byte per event: the snapshot format predates the bits
    }

    internal void Read(BinaryReader r)
    {
        int size = r.ReadInt32();
        if (size != WindowSize) throw new InvalidDataException($"snapshot metrics window is {size}, expected {WindowSize}");
        Count = r.ReadInt64(); Hits = r.ReadInt64(); _next = r.ReadInt32(); _filled = r.ReadInt32(); _windowHits = r.ReadInt32();
        for (int i = 0; i < size; i++) SetHit(i, r.ReadBoolean());
    }

    private bool Hit(int i) => (_window[i >> 6] & (1UL << (i & 63))) != 0;

    private void SetHit(int i, bool hit)
    {
        if (hit) _window[i >> 6] |= 1UL << (i & 63);
        else _window[i >> 6] &= ~(1UL << (i & 63));
    }
}
