using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace StreamLabel.Grains.Telemetry;

/// <summary>
/// Windowed accuracy per model key as one observable gauge, for at most <c>Student:KeyMetrics</c> students active on
/// this silo at once: every key is a label value, and label cardinality is what a Prometheus server pays for. Keys past
/// the limit are left out of the metric (their figures stay available through `streamlabel model KEY`).
/// </summary>
public sealed class KeyAccuracyGauge
{
    public const string Name = "streamlabel.student.window_accuracy";
    private readonly ConcurrentDictionary<string, Func<double>> _readers = new(StringComparer.Ordinal);
    private readonly int _limit;

    internal KeyAccuracyGauge(Meter meter, int limit)
    {
        _limit = limit;
        meter.CreateObservableGauge(Name, Observe, "{fraction}", "Prequential accuracy over each student's recent window (one series per key, up to Student:KeyMetrics)");
    }

    /// <summary>Reports <paramref name="read"/> under the key until the handle is disposed; null when the limit is reached.</summary>
    public IDisposable? Track(string key, Func<double> read)
    {
        if (_readers.Count >= _limit || !_readers.TryAdd(key, read)) return null;
        return new Registration(this, key, read);
    }

    private IEnumerable<Measurement<double>> Observe()
    {
        var measurements = new List<Measurement<double>>(_readers.Count);
        foreach (var (key, read) in _readers)
        {
            double accuracy = read();
            if (double.IsFinite(accuracy)) measurements.Add(new Measurement<double>(accuracy, new KeyValuePair<string, object?>("key", key)));
        }
        return measurements;
    }

    private sealed class Registration(KeyAccuracyGauge gauge, string key, Func<double> read) : IDisposable
    {
        public void Dispose() => gauge._readers.TryRemove(new KeyValuePair<string, Func<double>>(key, read));
    }
}
