using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>
/// Consumer lag per partition this silo reads (records between the group's committed offset and the partition's end),
/// as one observable gauge: autoscalers and alerts key on it, and only the reader knows both numbers without a broker
/// round trip (the end comes from its last fetch response).
/// </summary>
public sealed class ConsumerLagGauge
{
    private readonly ConcurrentDictionary<string, Func<long?>> _readers = new(StringComparer.Ordinal);

    internal ConsumerLagGauge(Meter meter) => meter.CreateObservableGauge(
        "streamlabel.kafka.consumer_lag", Observe, "{record}",
        "Records between the consumer group's committed offset and the end of a partition this silo reads");

    /// <summary>Reports <paramref name="read"/> under the partition's tag until the returned handle is disposed.</summary>
    public IDisposable Track(string partition, Func<long?> read)
    {
        _readers[partition] = read;
        return new Registration(this, partition, read);
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (partition, read) in _readers)
            if (read() is long lag) yield return new Measurement<long>(lag, new KeyValuePair<string, object?>("partition", partition));
    }

    private sealed class Registration(ConsumerLagGauge gauge, string partition, Func<long?> read) : IDisposable
    {
        // Only this registration's reader: a partition may already be read again by a newer receiver on this silo.
        public void Dispose() => gauge._readers.TryRemove(new KeyValuePair<string, Func<long?>>(partition, read));
    }
}
