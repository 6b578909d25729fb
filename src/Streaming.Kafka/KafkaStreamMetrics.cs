using System.Diagnostics.Metrics;

namespace StreamLabel.Streaming.Kafka;

/// <summary>Metrics of the Kafka stream provider (meter "StreamLabel.Streaming.Kafka").</summary>
internal static class KafkaStreamMetrics
{
    public const string MeterName = "StreamLabel.Streaming.Kafka";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> EventsRead = Meter.CreateCounter<long>("streamlabel.kafka.events_read", "{event}", "Records read from Kafka (valid and dead-lettered)");
    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("streamlabel.kafka.dead_letters", "{record}", "Records written to the dead-letter topic, by reason");
    public static readonly Counter<long> Commits = Meter.CreateCounter<long>("streamlabel.kafka.commits", "{commit}", "Offset commits");
    public static readonly Counter<long> CommitFailures = Meter.CreateCounter<long>("streamlabel.kafka.commit_failures", "{commit}", "Failed offset commits (retried at the next durability poll)");
    public static readonly Counter<long> Redeliveries = Meter.CreateCounter<long>("streamlabel.kafka.redelivered_events", "{event}", "Undurable events delivered again after a grain reported a gap");
    public static readonly ObservableGauge<long> ConsumerLag = Providers.ConsumerLagGauge.Create(Meter);
    public static readonly Counter<long> Pauses = Meter.CreateCounter<long>("streamlabel.kafka.backpressure_pauses", "{pause}", "Times a partition paused because MaxInFlightEventsPerQueue was reached");
}
