using System.Diagnostics.Metrics;
using StreamLabel.Grains.Telemetry;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// Listens to the students' meters in this process: produce→learned latencies (histogram streamlabel.student.learn_latency)
/// and the number of learning steps (histogram streamlabel.student.step), so the mean rows per step can be reported.
/// </summary>
public sealed class LatencyRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = [];

    public LatencyRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StreamLabelMetrics.MeterName && instrument.Name is StreamLabelMetrics.LearnLatencyName or StreamLabelMetrics.StepName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == StreamLabelMetrics.StepName) Interlocked.Increment(ref _steps);
            else lock (_values) { _values.Add(value); _at.Add(Environment.TickCount64); }
        });
        _listener.Start();
    }

    private long _steps;
    private readonly List<long> _at = [];

    /// <summary>p50/p99/max of the latencies recorded in each window of <paramref name="windowMs"/> (diagnostics).</summary>
    public IEnumerable<string> Windows(int windowMs)
    {
        lock (_values)
        {
            if (_values.Count == 0) yield break;
            long t0 = _at[0];
            foreach (var g in _values.Select((v, i) => (v, w: (_at[i] - t0) / windowMs)).GroupBy(x => x.w))
            {
                var s = g.Select(x => x.v).Order().ToArray();
                yield return $"{g.Key * windowMs,6} ms: n {s.Length,6} p50 {s[s.Length / 2],5:F0} p99 {s[(int)(s.Length * 0.99)],5:F0} max {s[^1],5:F0}";
            }
        }
    }

    public int Count { get { lock (_values) return _values.Count; } }

    /// <summary>Student learning steps taken since this recorder started.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>The q-quantile (0..1) of the recorded latencies, in ms.</summary>
    public double Quantile(double q)
    {
        lock (_values)
        {
            if (_values.Count == 0) return double.NaN;
            var sorted = _values.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }

    public void Dispose() => _listener.Dispose();
}
