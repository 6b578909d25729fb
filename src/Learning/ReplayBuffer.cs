using StreamLabel.Learning.Model;

namespace StreamLabel.Learning;

/// <summary>
/// The most recent <see cref="Capacity"/> labeled rows (a ring: old concepts age out, which suits drifting streams),
/// with seeded uniform sampling whose generator state is part of the snapshot.
/// </summary>
public sealed class ReplayBuffer
{
    private readonly float[] _features;
    private readonly int[] _labels;
    private int _next;
    private SplitMix64 _rng;

    public ReplayBuffer(int capacity, int featureCount, int seed)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be > 0");
        Capacity = capacity;
        FeatureCount = featureCount;
        _features = new float[capacity * featureCount];
        _labels = new int[capacity];
        _rng = new SplitMix64((ulong)(uint)seed ^ 0xD1B54A32D192ED03UL);
    }

    public int Capacity { get; }
    public int FeatureCount { get; }
    public int Count { get; private set; }

    /// <summary>Adds the labeled rows (label &gt;= 0) of a batch.</summary>
    public void Add(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels)
    {
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] < 0) continue;
            features.Slice(r * FeatureCount, FeatureCount).CopyTo(_features.AsSpan(_next * FeatureCount, FeatureCount));
            _labels[_next] = labels[r];
            _next = (_next + 1) % Capacity;
            if (Count < Capacity) Count++;
        }
    }

    /// <summary>min(rows, Count) rows drawn uniformly with replacement (empty when the buffer is empty).</summary>
    public (float[] Features, int[] Labels) Sample(int rows)
    {
        int n = Math.Min(rows, Count);
        var f = new float[n * FeatureCount];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int j = _rng.Next(Count);
            _features.AsSpan(j * FeatureCount, FeatureCount).CopyTo(f.AsSpan(i * FeatureCount, FeatureCount));
            y[i] = _labels[j];
        }
        return (f, y);
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(Capacity); w.Write(FeatureCount); w.Write(Count); w.Write(_next); w.Write(_rng.State);
        for (int i = 0; i < Count * FeatureCount; i++) w.Write(_features[i]);
        for (int i = 0; i < Count; i++) w.Write(_labels[i]);
    }

    internal static ReplayBuffer Read(BinaryReader r)
    {
        int capacity = r.ReadInt32(), featureCount = r.ReadInt32();
        var buffer = new ReplayBuffer(capacity, featureCount, 0) { Count = r.ReadInt32() };
        buffer._next = r.ReadInt32();
        buffer._rng.State = r.ReadUInt64();
        for (int i = 0; i < buffer.Count * featureCount; i++) buffer._features[i] = r.ReadSingle();
        for (int i = 0; i < buffer.Count; i++) buffer._labels[i] = r.ReadInt32();
        return buffer;
    }
}
