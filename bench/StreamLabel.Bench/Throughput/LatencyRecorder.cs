using System.Diagnostics.Metrics;
using StreamLabel.Grains.Telemetry;

namespace StreamLabel.Bench.Throughput;

/// <summary>Collects the students' produce→learned latencies (histogram streamlabel.student.learn_latency) in this process.</summary>
public sealed class LatencyRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _values = [];

    public LatencyRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StreamLabelMetrics.MeterName && instrument.Name == StreamLabelMetrics.LearnLatencyName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (_values) _values.Add(value); });
        _listener.Start();
    }

    public int Count { get { lock (_values) return _values.Count; } }

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
