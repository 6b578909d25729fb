using System.Diagnostics.Metrics;
using StreamLabel.Streaming.Kafka.Providers;

namespace StreamLabel.Streaming.Kafka;

/// <summary>
/// Metrics of the Kafka stream provider (meter "StreamLabel.Streaming.Kafka"), made by the host's
/// <see cref="IMeterFactory"/>: each silo's container owns its meter (several silos in one process, as in tests, do not
/// share counters), and the meter goes with the container.
/// </summary>
public sealed class KafkaStreamMetrics : IDisposable
{
    public const string MeterName = "StreamLabel.Streaming.Kafka";
    private readonly Meter _meter;

    public KafkaStreamMetrics(IMeterFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _meter = factory.Create(MeterName);
        EventsRead = _meter.CreateCounter<long>("streamlabel.kafka.events_read", "{event}", "Records read from Kafka (valid and dead-lettered)");
        DeadLetters = _meter.CreateCounter<long>("streamlabel.kafka.dead_letters", "{record}", "Records written to the dead-letter topic, by reason");
        Commits = _meter.CreateCounter<long>("streamlabel.kafka.commits", "{commit}", "Offset commits");
        CommitFailures = _meter.CreateCounter<long>("streamlabel.kafka.commit_failures", "{commit}", "Failed offset commits (retried at the next durability poll)");
        Redeliveries = _meter.CreateCounter<long>("streamlabel.kafka.redelivered_events", "{event}", "Undurable events delivered again after a grain reported a gap");
        Pauses = _meter.CreateCounter<long>("streamlabel.kafka.backpressure_pauses", "{pause}", "Times a partition paused because MaxInFlightEventsPerQueue was reached");
        Quarantines = _meter.CreateCounter<long>("streamlabel.kafka.quarantined_keys", "{key}", "Keys quarantined after Kafka:QuarantineAfterFailedDeliveries failed deliveries");
        ConsumerLag = new ConsumerLagGauge(_meter);
    }

    public Counter<long> EventsRead { get; }
    public Counter<long> DeadLetters { get; }
    public Counter<long> Commits { get; }
    public Counter<long> CommitFailures { get; }
    public Counter<long> Redeliveries { get; }
    public Counter<long> Pauses { get; }
    public Counter<long> Quarantines { get; }

    /// <summary>Consumer lag per partition this silo reads.</summary>
    public ConsumerLagGauge ConsumerLag { get; }

    public void Dispose() => _meter.Dispose();
}
