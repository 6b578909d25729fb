using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.DataAdapters;

/// <summary>
/// StreamLabel's JSON event format, the default <see cref="IKafkaDataAdapter"/>: the value is parsed and validated by
/// <see cref="EventParser"/> (limits from the provider's options), the clean label of a noisy replay comes from header
/// <see cref="EventHeaders.CleanLabel"/>. One per partition reader: its label pools are not thread-safe.
/// </summary>
public sealed class JsonEventAdapter(KafkaStreamOptions options) : IKafkaDataAdapter
{
    private readonly EventParser _parser = new(options);
    private readonly StringPool _cleanLabels = new();

    public StreamEvent? ToEvent(in ReceivedRecord record, out (string Reason, string Detail) rejection)
    {
        if (_parser.TryParse(record.Value, record.Key, out var parsed) is { } problem)
        {
            rejection = problem;
            return null;
        }
        rejection = default;
        string? clean = record.Headers is { } headers && headers.TryGetLastBytes(EventHeaders.CleanLabel, out var cleanBytes)
            ? _cleanLabels.Get(cleanBytes) : null;
        return new StreamEvent(record.Topic, record.Partition, record.Offset, record.PreviousKeyOffset,
            record.Key, parsed.Id, parsed.Features, parsed.Label, clean, parsed.TimestampMs, record.Value);
    }
}
