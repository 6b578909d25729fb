using StreamLabel.Learning.Model;

namespace StreamLabel.Learning;

/// <summary>
/// The most recent <see cref="Capacity"/> labeled rows (a ring: old concepts age out, which suits drifting streams),
/// with seeded uniform sampling whose generator state is part of the snapshot.
/// </summary>
public sealed class ReplayBuffer
{
    private readonly LabeledRing _ring;
    private SplitMix64 _rng;

    public ReplayBuffer(int capacity, int featureCount, int seed)
    {
        _ring = new LabeledRing(capacity, featureCount);
        _rng = new SplitMix64((ulong)(uint)seed ^ 0xD1B54A32D192ED03UL);
    }

    public int Capacity => _ring.Capacity;
    public int FeatureCount => _ring.FeatureCount;
    public int Count => _ring.Count;

    /// <summary>Adds the labeled rows (label &gt;= 0) of a batch.</summary>
    public void Add(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) => _ring.Add(features, rows, labels);

    /// <summary>min(rows, Count) rows drawn uniformly with replacement (empty when the buffer is empty).</summary>
    public (float[] Features, int[] Labels) Sample(int rows)
    {
        int n = Math.Min(rows, Count);
        var f = new float[n * FeatureCount];
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = _ring.CopyRow(_rng.Next(Count), f.AsSpan(i * FeatureCount, FeatureCount));
        return (f, y);
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(Capacity); w.Write(FeatureCount); w.Write(Count); w.Write(_ring.Next); w.Write(_rng.State);
        _ring.WriteRows(w);
    }

    internal static ReplayBuffer Read(BinaryReader r)
    {
        int capacity = r.ReadInt32(), featureCount = r.ReadInt32();
        var buffer = new ReplayBuffer(capacity, featureCount, 0);
        buffer._ring.Count = r.ReadInt32();
        buffer._ring.Next = r.ReadInt32();
        buffer._rng.State = r.ReadUInt64();
        buffer._ring.ReadRows(r);
        return buffer;
    }
}
