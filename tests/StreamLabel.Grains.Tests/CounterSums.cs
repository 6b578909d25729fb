using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// Sums of the counters named <c>name</c>, one sum per instrument: every silo of a test cluster (and of other tests
/// running in this process) has its own meter, so a silo's figure is read by its own instrument.
/// </summary>
internal sealed class CounterSums : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, long> _sums = new();

    public CounterSums(string name)
    {
        _listener.InstrumentPublished = (instrument, listener) => { if (instrument.Name == name) listener.EnableMeasurementEvents(instrument); };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _sums.AddOrUpdate(instrument, value, (_, sum) => sum + value));
        _listener.Start();
    }

    /// <summary>What <paramref name="instrument"/> counted since this listener started.</summary>
    public long Of(Instrument instrument) => _sums.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();
}
