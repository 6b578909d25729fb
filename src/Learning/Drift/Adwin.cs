namespace StreamLabel.Learning.Drift;

/// <summary>
/// ADWIN (Bifet &amp; Gavaldà 2007), exponential-histogram version: keeps a window whose sub-windows all have
/// statistically equal means; drops the older part when two sub-windows W0 | W1 differ by more than
/// ε_cut = sqrt(2/m·σ²·ln(2 ln n/δ)) + 2/(3m)·ln(2 ln n/δ), m = harmonic mean of |W0|, |W1| (MOA's form).
/// Defaults as published: δ = 0.002, at most 5 buckets per size, a cut check every 32 observations, sub-windows of at least 5.
/// </summary>
public sealed class Adwin(double delta = 0.002, int maxBuckets = 5, int clock = 32, int minSubWindow = 5) : DriftDetector
{
    public override string Name => "adwin";
    public double Delta { get; } = delta;

    // Buckets by level: level k holds buckets of 2^k observations, oldest first (at most maxBuckets + 1 while compressing).
    // Levels instead of one newest-first list: adding an observation and merging touch only a few small arrays, where
    // inserting at the head of one list moved the whole window's buckets on every observation (a profile hot spot).
    // The window's order is level 0 newest ... highest level oldest; snapshots keep the newest-first list format.
    private readonly List<Level> _levels = [];
    private long _width;
    private double _sum, _variance;

    private record struct Bucket(long Count, double Sum, double Variance);

    private sealed class Level(int capacity)
    {
        public readonly Bucket[] Items = new Bucket[capacity];
        public int Count;

        public void AddNewest(Bucket b) => Items[Count++] = b;

        public void RemoveOldest(int n)
        {
            Array.Copy(Items, n, Items, 0, Count - n);
            Count -= n;
        }
    }

    /// <summary>Current window length.</summary>
    public long Width => _width;

    /// <summary>Mean over the current window.</summary>
    public double Mean => _width == 0 ? 0 : _sum / _width;

    public override bool Update(double value)
    {
        Observations++;
        if (_width > 0)
        {
            double mean = _sum / _width;
            _variance += _width * (value - mean) * (value - mean) / (_width + 1);
        }
        _width++;
        _sum += value;
        LevelAt(0).AddNewest(new Bucket(1, value, 0));
        Compress();
        if (Observations % clock != 0 || _width < 2 * minSubWindow) return false;
        bool increased = false, cut = false;
        while (TryCut(out bool up)) { cut = true; increased |= up; }
        if (cut && increased) { Detections++; return true; }
        return false;
    }

    public override void Reset()
    {
        foreach (var level in _levels) level.Count = 0;
        _width = 0; _sum = 0; _variance = 0;
    }

    private Level LevelAt(int k)
    {
        while (_levels.Count <= k) _levels.Add(new Level(maxBuckets + 1));
        return _levels[k];
    }

    // Merge the two oldest buckets of a level whenever it has more than maxBuckets; the result is the next level's newest.
    private void Compress()
    {
        for (int k = 0; k < _levels.Count && _levels[k].Count > maxBuckets; k++)
        {
            var level = _levels[k];
            var older = level.Items[0];
            var newer = level.Items[1];
            double d = older.Sum / older.Count - newer.Sum / newer.Count;
            var merged = new Bucket(older.Count + newer.Count, older.Sum + newer.Sum,
                older.Variance + newer.Variance + d * d * older.Count * newer.Count / (older.Count + newer.Count));
            level.RemoveOldest(2);
            LevelAt(k + 1).AddNewest(merged);
        }
    }

    private int BucketCount()
    {
        int n = 0;
        foreach (var level in _levels) n += level.Count;
        return n;
    }

    // Scans split points from the oldest end (every bucket but the newest); on a significant difference drops the oldest bucket.
    private bool TryCut(out bool increased)
    {
        increased = false;
        int remaining = BucketCount() - 1;
        if (remaining < 1) return false;
        double n = _width;
        double dd = Math.Log(2 * Math.Log(n) / Delta);
        double v = _variance / n;
        long n0 = 0; double s0 = 0;
        for (int k = _levels.Count - 1; k >= 0; k--)
        {
            var level = _levels[k];
            for (int j = 0; j < level.Count; j++)
            {
                if (remaining-- == 0) return false;
                n0 += level.Items[j].Count; s0 += level.Items[j].Sum;
                long n1 = _width - n0;
                if (n0 < minSubWindow) continue;
                if (n1 < minSubWindow) return false;
                double mu0 = s0 / n0, mu1 = (_sum - s0) / n1;
                double m = 1.0 / (n0 - minSubWindow + 1) + 1.0 / (n1 - minSubWindow + 1);
                double eps = Math.Sqrt(2 * m * v * dd) + 2.0 / 3.0 * dd * m;
                if (Math.Abs(mu0 - mu1) > eps)
                {
                    increased = mu1 > mu0;
                    DropOldest();
                    return true;
                }
            }
        }
        return false;
    }

    private void DropOldest()
    {
        int k = _levels.Count - 1;
        while (_levels[k].Count == 0) k--;
        var b = _levels[k].Items[0];
        _levels[k].RemoveOldest(1);
        long rest = _width - b.Count;
        if (rest == 0) { Reset(); return; }
        double restMean = (_sum - b.Sum) / rest;
        double bMean = b.Sum / b.Count;
        _variance -= b.Variance + b.Count * rest * (bMean - restMean) * (bMean - restMean) / _width;
        if (_variance < 0) _variance = 0;
        _width = rest;
        _sum -= b.Sum;
    }

    internal override void Write(BinaryWriter w)
    {
        w.Write(Observations); w.Write(Detections); w.Write(_width); w.Write(_sum); w.Write(_variance);
        w.Write(BucketCount());
        // Newest first, as the format has always been.
        foreach (var level in _levels)
            for (int j = level.Count - 1; j >= 0; j--) { var b = level.Items[j]; w.Write(b.Count); w.Write(b.Sum); w.Write(b.Variance); }
    }

    internal override void Read(BinaryReader r)
    {
        Observations = r.ReadInt64(); Detections = r.ReadInt64(); _width = r.ReadInt64(); _sum = r.ReadDouble(); _variance = r.ReadDouble();
        foreach (var level in _levels) level.Count = 0;
        int count = r.ReadInt32();
        // Each bucket takes 24 bytes: a count the rest of the bytes cannot hold is damage, refused before allocating.
        if (count < 0 || count > (r.BaseStream.Length - r.BaseStream.Position) / 24)
            throw new InvalidDataException($"ADWIN snapshot claims {count} buckets, more than its remaining bytes hold");
        var buckets = new Bucket[count];
        for (int i = 0; i < count; i++) buckets[i] = new Bucket(r.ReadInt64(), r.ReadDouble(), r.ReadDouble());
        // Newest first in the snapshot: walk it oldest first so each level fills oldest to newest.
        int previous = int.MaxValue;
        for (int i = count - 1; i >= 0; i--)
        {
            long c = buckets[i].Count;
            if (c <= 0 || (c & (c - 1)) != 0) throw new InvalidDataException($"ADWIN bucket of {c} observations is not a power of two");
            int k = System.Numerics.BitOperations.Log2((ulong)c);
            if (k > previous) throw new InvalidDataException("ADWIN buckets are not ordered by size");
            var level = LevelAt(k);
            if (level.Count > maxBuckets) throw new InvalidDataException($"ADWIN level {k} holds more than {maxBuckets} buckets");
            level.AddNewest(buckets[i]);
            previous = k;
        }
    }
}
