using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>
/// Consumer lag per partition this silo reads (records between the group's committed offset and the partition's end),
/// as one observable gauge: autoscalers and alerts key on it, and only the reader knows both numbers without a broker
/// round trip (the end comes from its last fetch response).
/// </summary>
internal static class ConsumerLagGauge
{
    private static readonly ConcurrentDictionary<string, Func<long?>> Readers = new(StringComparer.Ordinal);

    public static ObservableGauge<long> Create(Meter meter) => meter.CreateObservableGauge(
        "streamlabel.kafka.consumer_lag", Observe, "{record}",
        "Records between the consumer group's committed offset and the end of a partition this silo reads");

    /// <summary>Reports <paramref name="read"/> under the partition's tag until the returned handle is disposed.</summary>
    public static IDisposable Track(string partition, Func<long?> read)
    {
        Readers[partition] = read;
        return new Registration(partition, read);
    }

    private static IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (partition, read) in Readers)
            if (read() is long lag) yield return new Measurement<long>(lag, new KeyValuePair<string, object?>("partition", partition));
    }

    private sealed class Registration(string partition, Func<long?> read) : IDisposable
    {
        // Only this registration's reader: a partition may already be read again by a newer receiver on this silo.
        public void Dispose() => Readers.TryRemove(new KeyValuePair<string, Func<long?>>(partition, read));
    }
}
