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

    // Buckets newest first; each summarises 2^level observations (count, sum, sum of squared deviations).
    private readonly List<Bucket> _buckets = [];
    private long _width;
    private double _sum, _variance;

    private record struct Bucket(long Count, double Sum, double Variance);

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
        _buckets.Insert(0, new Bucket(1, value, 0));
        Compress();
        if (Observations % clock != 0 || _width < 2 * minSubWindow) return false;
        bool increased = false, cut = false;
        while (TryCut(out bool up)) { cut = true; increased |= up; }
        if (cut && increased) { Detections++; return true; }
        return false;
    }

    public override void Reset() { _buckets.Clear(); _width = 0; _sum = 0; _variance = 0; }

    // Merge the two oldest buckets of a size whenever that size has more than maxBuckets.
    private void Compress()
    {
        int i = 0;
        while (i < _buckets.Count)
        {
            long size = _buckets[i].Count;
            int end = i;
            while (end < _buckets.Count && _buckets[end].Count == size) end++;
            if (end - i <= maxBuckets) { i = end; continue; }
            var older = _buckets[end - 1];
            var newer = _buckets[end - 2];
            double d = older.Sum / older.Count - newer.Sum / newer.Count;
            var merged = new Bucket(older.Count + newer.Count, older.Sum + newer.Sum,
                older.Variance + newer.Variance + d * d * older.Count * newer.Count / (older.Count + newer.Count));
            _buckets.RemoveAt(end - 1);
            _buckets[end - 2] = merged;
            i = end - 2; // the merged bucket may overflow the next size
        }
    }

    // Scans split points from the oldest end; on a significant difference drops the oldest bucket.
    private bool TryCut(out bool increased)
    {
        increased = false;
        if (_buckets.Count < 2) return false;
        double n = _width;
        double dd = Math.Log(2 * Math.Log(n) / Delta);
        double v = _variance / n;
        long n0 = 0; double s0 = 0;
        for (int i = _buckets.Count - 1; i > 0; i--)
        {
            n0 += _buckets[i].Count; s0 += _buckets[i].Sum;
            long n1 = _width - n0;
            if (n0 < minSubWindow) continue;
            if (n1 < minSubWindow) break;
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
        return false;
    }

    private void DropOldest()
    {
        var b = _buckets[^1];
        _buckets.RemoveAt(_buckets.Count - 1);
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
        w.Write(_buckets.Count);
        foreach (var b in _buckets) { w.Write(b.Count); w.Write(b.Sum); w.Write(b.Variance); }
    }

    internal override void Read(BinaryReader r)
    {
        Observations = r.ReadInt64(); Detections = r.ReadInt64(); _width = r.ReadInt64(); _sum = r.ReadDouble(); _variance = r.ReadDouble();
        _buckets.Clear();
        int count = r.ReadInt32();
        for (int i = 0; i < count; i++) _buckets.Add(new Bucket(r.ReadInt64(), r.ReadDouble(), r.ReadDouble()));
    }
}
