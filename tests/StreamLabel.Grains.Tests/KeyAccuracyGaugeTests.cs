using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Grains.Student;
using StreamLabel.Grains.Telemetry;
using StreamLabel.Learning.Bank;

namespace StreamLabel.Grains.Tests;

/// <summary>Per-key accuracy series: one per tracked key, at most Student:KeyMetrics of them, gone when released.</summary>
public sealed class KeyAccuracyGaugeTests
{
    [Fact]
    public void Keys_are_series_up_to_the_limit_and_leave_when_released()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var bank = new BankSchedulerSet(1);
        using var metrics = new StreamLabelMetrics(services.GetRequiredService<IMeterFactory>(), bank,
            Microsoft.Extensions.Options.Options.Create(new StudentOptions { KeyMetrics = 2 }));
        var seen = new List<(string Key, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Name == KeyAccuracyGauge.Name && i.Meter.Scope == services.GetRequiredService<IMeterFactory>()) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => seen.Add(((string)tags.ToArray().Single(t => t.Key == "key").Value!, value)));
        listener.Start();

        var a = metrics.KeyAccuracy.Track("a", () => 0.75);
        var b = metrics.KeyAccuracy.Track("b", () => double.NaN); // no window yet: no sample
        Assert.Null(metrics.KeyAccuracy.Track("c", () => 0.5)); // over the limit
        listener.RecordObservableInstruments();
        Assert.Equal([("a", 0.75)], seen);

        a!.Dispose();
        b!.Dispose();
        Assert.NotNull(metrics.KeyAccuracy.Track("c", () => 0.5)); // room again
        seen.Clear();
        listener.RecordObservableInstruments();
        Assert.Equal([("c", 0.5)], seen);
    }
}
