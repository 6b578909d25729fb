namespace StreamLabel.Learning;

/// <summary>
/// The storage of the most recent labeled rows: a ring of <see cref="Capacity"/> rows in which the oldest leave first.
/// <see cref="ReplayBuffer"/> and the teacher's <see cref="Teacher.SlidingWindow"/> keep their rows here and differ only
/// in how they sample them.
/// </summary>
internal sealed class LabeledRing
{
    private readonly float[] _features;
    private readonly int[] _labels;

    public LabeledRing(int capacity, int featureCount)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be > 0");
        Capacity = capacity;
        FeatureCount = featureCount;
        _features = new float[capacity * featureCount];
        _labels = new int[capacity];
    }

    public int Capacity { get; }
    public int FeatureCount { get; }

    /// <summary>Rows held (at most <see cref="Capacity"/>); lowering it forgets the oldest of them.</summary>
    public int Count { get; set; }

    /// <summary>Where the next row goes.</summary>
    public int Next { get; set; }

    /// <summary>Adds the labeled rows (label &gt;= 0) of a batch.</summary>
    public void Add(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels)
    {
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] < 0) continue;
            features.Slice(r * FeatureCount, FeatureCount).CopyTo(_features.AsSpan(Next * FeatureCount, FeatureCount));
            _labels[Next] = labels[r];
            Next = (Next + 1) % Capacity;
            if (Count < Capacity) Count++;
        }
    }

    /// <summary>The slot of the row <paramref name="back"/> rows before the newest (0 = the newest).</summary>
    public int SlotOfNewest(int back) => ((Next - 1 - back) % Capacity + Capacity) % Capacity;

    /// <summary>Copies the row in <paramref name="slot"/> into <paramref name="features"/> and returns its label.</summary>
    public int CopyRow(int slot, Span<float> features)
    {
        _features.AsSpan(slot * FeatureCount, FeatureCount).CopyTo(features);
        return _labels[slot];
    }

    /// <summary>The first <see cref="Count"/> slots' rows and labels (the snapshot form of a buffer that never wrapped
    /// past them; the owner writes Count and Next itself).</summary>
    public void WriteRows(BinaryWriter w)
    {
        for (int i = 0; i < Count * FeatureCount; i++) w.Write(_features[i]);
        for (int i = 0; i < Count; i++) w.Write(_labels[i]);
    }

    public void ReadRows(BinaryReader r)
    {
        for (int i = 0; i < Count * FeatureCount; i++) _features[i] = r.ReadSingle();
        for (int i = 0; i < Count; i++) _labels[i] = r.ReadInt32();
    }
}
