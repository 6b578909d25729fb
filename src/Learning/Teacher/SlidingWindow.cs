using StreamLabel.Learning.Model;

namespace StreamLabel.Learning.Teacher;

/// <summary>
/// The most recent labeled rows, up to <see cref="Capacity"/>, sampled uniformly with replacement. Unlike a
/// <see cref="ReplayBuffer"/> it can be cut back to its newest rows, so that after a detected drift the teacher
/// replays only the new concept.
/// </summary>
public sealed class SlidingWindow
{
    private readonly LabeledRing _ring;
    private SplitMix64 _rng;

    public SlidingWindow(int capacity, int featureCount, int seed)
    {
        if (featureCount <= 0) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be > 0");
        _ring = new LabeledRing(capacity, featureCount);
        _rng = new SplitMix64((ulong)(uint)seed ^ 0x9E3779B97F4A7C15UL);
    }

    public int Capacity => _ring.Capacity;
    public int FeatureCount => _ring.FeatureCount;
    public int Count => _ring.Count;

    /// <summary>Adds the labeled rows (label &gt;= 0); the oldest rows leave when full.</summary>
    public void Add(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) => _ring.Add(features, rows, labels);

    /// <summary>Forgets all but the newest <paramref name="keep"/> rows.</summary>
    public void CutBack(int keep) => _ring.Count = Math.Clamp(keep, 0, Count);

    /// <summary>
    /// Copies <paramref name="rows"/> rows drawn uniformly with replacement from the newest <paramref name="newest"/>
    /// (default: all) into the spans (Count must be &gt; 0).
    /// </summary>
    public void Sample(int rows, Span<float> features, Span<int> labels, int newest = int.MaxValue)
    {
        if (Count == 0) throw new InvalidOperationException("the window is empty");
        int span = Math.Clamp(newest, 1, Count);
        for (int i = 0; i < rows; i++)
            labels[i] = _ring.CopyRow(_ring.SlotOfNewest(_rng.Next(span)), features.Slice(i * FeatureCount, FeatureCount)); // 0 = newest
    }

    /// <summary>Shape, position, generator state and the held rows, in <see cref="ReplayBuffer"/>'s layout.</summary>
    internal void Write(BinaryWriter w)
    {
        w.Write(Capacity); w.Write(FeatureCount); w.Write(Count); w.Write(_ring.Next); w.Write(_rng.State);
        _ring.WriteRows(w);
    }

    /// <summary>Reads <see cref="Write"/>'s bytes into this window, which must have the snapshot's shape.</summary>
    internal void Read(BinaryReader r)
    {
        int capacity = r.ReadInt32(), featureCount = r.ReadInt32();
        if (capacity != Capacity || featureCount != FeatureCount)
            throw new InvalidDataException($"snapshot window holds {capacity} rows of {featureCount} features, this one {Capacity} of {FeatureCount}");
        _ring.Count = r.ReadInt32();
        _ring.Next = r.ReadInt32();
        _rng.State = r.ReadUInt64();
        _ring.ReadRows(r);
    }
}
