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
            else lock (_values) _values.Add(value);
        });
        _listener.Start();
    }

    private long _steps;

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
