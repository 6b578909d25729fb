using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.DeadLetters;

/// <summary>Writes dead letters with the shared producer: original key and value, source and reason headers.</summary>
public sealed class DeadLetterProducer(KafkaStreamOptions options, KafkaOutputProducer output, KafkaStreamMetrics? metrics = null) : IDeadLetterWriter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> CountsByReason => _counts;

    public async Task WriteAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        try
        {
            await output.Producer.ProduceAsync(options.DeadLetterTopic, ToMessage(letter), cancellationToken).ConfigureAwait(false);
        }
        catch (ProduceException<byte[], byte[]> e) when (IsTooLarge(e.Error) && !letter.IsMetadataOnly)
        {
            await output.Producer.ProduceAsync(options.DeadLetterTopic, ToMessage(letter.WithoutOriginal()), cancellationToken).ConfigureAwait(false);
        }
        Count(letter.Reason);
    }

    /// <summary>The producer (message.max.bytes) or the broker (the topic's max.message.bytes) refuses the record's size:
    /// retrying the same letter can never succeed.</summary>
    internal static bool IsTooLarge(Error error) => error.Code is Confluent.Kafka.ErrorCode.MsgSizeTooLarge or Confluent.Kafka.ErrorCode.RecordListTooLarge;

    public Task WriteAsync(StreamEvent rejected, string reason, string? detail = null, CancellationToken cancellationToken = default) =>
        WriteAsync(new DeadLetter(rejected.Topic, rejected.Partition, rejected.Offset, Encoding.UTF8.GetBytes(rejected.Key),
            rejected.Value, reason, detail), cancellationToken);

    /// <summary>Non-blocking write for the partition reader: <paramref name="done"/> gets null on success, else the error.</summary>
    internal void Enqueue(DeadLetter letter, Action<DeadLetter, Error?> done)
    {
        output.Producer.Produce(options.DeadLetterTopic, ToMessage(letter), report =>
        {
            if (!report.Error.IsError) Count(letter.Reason);
            done(letter, report.Error.IsError ? report.Error : null);
        });
    }

    private void Count(string reason)
    {
        _counts.AddOrUpdate(reason, 1, (_, n) => n + 1);
        metrics?.DeadLetters.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    internal static Message<byte[], byte[]> ToMessage(DeadLetter letter)
    {
        var headers = new Headers
        {
            { EventHeaders.DeadLetterReason, Encoding.UTF8.GetBytes(letter.Reason) },
            { EventHeaders.DeadLetterTopic, Encoding.UTF8.GetBytes(letter.Topic) },
            { EventHeaders.DeadLetterPartition, Encoding.UTF8.GetBytes(letter.Partition.ToString(CultureInfo.InvariantCulture)) },
            { EventHeaders.DeadLetterOffset, Encoding.UTF8.GetBytes(letter.Offset.ToString(CultureInfo.InvariantCulture)) },
        };
        if (DeadLetterLimits.Truncate(letter.Detail) is { } detail) headers.Add(EventHeaders.DeadLetterDetail, Encoding.UTF8.GetBytes(detail));
        if (letter.OmittedValueBytes is int valueBytes) headers.Add(EventHeaders.DeadLetterOriginalBytes, Encoding.UTF8.GetBytes(valueBytes.ToString(CultureInfo.InvariantCulture)));
        if (letter.OmittedKeyBytes is int keyBytes) headers.Add(EventHeaders.DeadLetterOriginalKeyBytes, Encoding.UTF8.GetBytes(keyBytes.ToString(CultureInfo.InvariantCulture)));
        return new Message<byte[], byte[]> { Key = letter.Key!, Value = letter.Value!, Headers = headers };
    }
}
