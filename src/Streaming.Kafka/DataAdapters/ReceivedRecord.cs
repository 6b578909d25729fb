using Confluent.Kafka;

namespace StreamLabel.Streaming.Kafka.DataAdapters;

/// <summary>A record as a partition reader hands it to the <see cref="IKafkaDataAdapter"/>.</summary>
/// <param name="Topic">Kafka topic of the record.</param>
/// <param name="Partition">Kafka partition of the record.</param>
/// <param name="Offset">Kafka offset of the record.</param>
/// <param name="PreviousKeyOffset">The exactly-once protocol's link to the key's previous undurable event (see
/// <c>StreamEvent.PreviousKeyOffset</c>): the adapter copies it into the event.</param>
/// <param name="Key">The record key, already checked by the reader (1-256 bytes of UTF-8): the grain key.</param>
/// <param name="Value">The record value as read; the event keeps it, so a grain can dead-letter the original bytes.</param>
/// <param name="Headers">The record headers, when it has any.</param>
public readonly record struct ReceivedRecord(
    string Topic, int Partition, long Offset, long PreviousKeyOffset, string Key, byte[] Value, Headers? Headers);
