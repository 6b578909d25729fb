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

    /// <summary>
    /// The held rows, then their labels, in slot order; the owner writes Count and Next itself. A ring never cut back
    /// holds its first Count slots, so a <see cref="ReplayBuffer"/> writes the bytes it always has; a cut-back window
    /// holds the Count slots before Next, wherever they lie.
    /// </summary>
    public void WriteRows(BinaryWriter w)
    {
        for (int slot = 0; slot < Capacity; slot++)
            if (Holds(slot)) for (int j = 0; j < FeatureCount; j++) w.Write(_features[slot * FeatureCount + j]);
        for (int slot = 0; slot < Capacity; slot++)
            if (Holds(slot)) w.Write(_labels[slot]);
    }

    /// <summary>Reads <see cref="WriteRows"/>' bytes once the owner has set Count and Next.</summary>
    public void ReadRows(BinaryReader r)
    {
        if (Count < 0 || Count > Capacity || Next < 0 || Next >= Capacity)
            throw new InvalidDataException($"snapshot ring position (count {Count}, next {Next}) is outside its capacity {Capacity}");
        for (int slot = 0; slot < Capacity; slot++)
            if (Holds(slot)) for (int j = 0; j < FeatureCount; j++) _features[slot * FeatureCount + j] = r.ReadSingle();
        for (int slot = 0; slot < Capacity; slot++)
            if (Holds(slot)) _labels[slot] = r.ReadInt32();
    }

    // Whether the slot holds one of the Count newest rows (slots past them keep stale rows no one reads).
    private bool Holds(int slot) => ((Next - 1 - slot) % Capacity + Capacity) % Capacity < Count;
}
