namespace StreamLabel.Learning.Drift;

/// <summary>
/// Page-Hinkley test for an increase of the mean (Page 1954; MOA's defaults): m_t = α·m_{t-1} + (x_t - x̄_t - δ),
/// alarm when m_t - min m &gt; λ after at least <see cref="MinInstances"/> observations; the statistics restart after an alarm.
/// </summary>
public sealed class PageHinkley(double delta = 0.005, double lambda = 50, double alpha = 1 - 0.0001, int minInstances = 30) : DriftDetector
{
    public override string Name => "page-hinkley";
    public double Delta { get; } = delta;
    public double Lambda { get; } = lambda;
    public double Alpha { get; } = alpha;
    public int MinInstances { get; } = minInstances;

    private long _n;
    private double _mean, _sum, _min;

    public override bool Update(double value)
    {
        Observations++;
        _n++;
        _mean += (value - _mean) / _n;
        _sum = Alpha * _sum + (value - _mean - Delta);
        if (_sum < _min) _min = _sum;
        if (_n < MinInstances || _sum - _min <= Lambda) return false;
        Detections++;
        Reset();
        return true;
    }

    public override void Reset() { _n = 0; _mean = 0; _sum = 0; _min = 0; }

    internal override void Write(BinaryWriter w)
    {
        w.Write(Observations); w.Write(Detections); w.Write(_n); w.Write(_mean); w.Write(_sum); w.Write(_min);
    }

    internal override void Read(BinaryReader r)
    {
        Observations = r.ReadInt64(); Detections = r.ReadInt64(); _n = r.ReadInt64();
        _mean = r.ReadDouble(); _sum = r.ReadDouble(); _min = r.ReadDouble();
    }
}
