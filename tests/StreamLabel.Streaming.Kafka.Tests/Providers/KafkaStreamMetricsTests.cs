using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Streaming.Kafka;

namespace StreamLabel.Streaming.Kafka.Tests.Providers;

/// <summary>The provider's instruments come from the host's IMeterFactory: two silos in one process count apart, and a
/// silo's meter ends with its container.</summary>
public sealed class KafkaStreamMetricsTests
{
    [Fact]
    public void Each_container_has_its_own_meter_and_its_own_lag_gauge_which_end_with_it()
    {
        var first = new ServiceCollection().AddMetrics().AddSingleton<KafkaStreamMetrics>().BuildServiceProvider();
        using var second = new ServiceCollection().AddMetrics().AddSingleton<KafkaStreamMetrics>().BuildServiceProvider();
        var (a, b) = (first.GetRequiredService<KafkaStreamMetrics>(), second.GetRequiredService<KafkaStreamMetrics>());
        var (factoryA, factoryB) = (first.GetRequiredService<IMeterFactory>(), second.GetRequiredService<IMeterFactory>());

        var read = new List<(object? Scope, long Value)>();
        var lag = new List<(object? Scope, long Value, object? Partition)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == KafkaStreamMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            // Silos of other tests running in parallel publish on the same meter name: only this test's two containers count.
            if (!ReferenceEquals(instrument.Meter.Scope, factoryA) && !ReferenceEquals(instrument.Meter.Scope, factoryB)) return;
            if (instrument.Name == "streamlabel.kafka.events_read") read.Add((instrument.Meter.Scope, value));
            if (instrument.Name == "streamlabel.kafka.consumer_lag") lag.Add((instrument.Meter.Scope, value, tags.ToArray().Single(t => t.Key == "partition").Value));
        });
        listener.Start();

        a.EventsRead.Add(3);
        b.EventsRead.Add(5);
        using (a.ConsumerLag.Track("events:0", () => 7))
        {
            listener.RecordObservableInstruments();
        }
        listener.RecordObservableInstruments(); // the partition's reader is gone: nothing more to report

        Assert.Equal([(factoryA, 3L), (factoryB, 5L)], read);
        Assert.Equal([(factoryA, 7L, (object?)"events:0")], lag);
        first.Dispose();
        Assert.False(a.EventsRead.Enabled); // disposed with its container
        Assert.True(b.EventsRead.Enabled);
    }
}
