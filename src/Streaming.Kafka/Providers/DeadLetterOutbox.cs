using System.Collections.Concurrent;
using Confluent.Kafka;
using StreamLabel.Streaming.Kafka.DeadLetters;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>
/// A partition reader's dead letters in flight: produced without blocking the read; an offset counts as handled (and
/// may be committed) only once the broker acknowledged its dead letter; failed writes are retried, never dropped.
/// </summary>
internal sealed class DeadLetterOutbox(DeadLetterProducer producer, PartitionWatermark watermark, Action<long, string> onFailure)
{
    private readonly ConcurrentQueue<(DeadLetter Letter, Error? Error)> _results = new();
    private readonly List<DeadLetter> _retries = [];

    public void Send(DeadLetter letter)
    {
        watermark.DeadLetterStarted(letter.Offset);
        TrySend(letter);
    }

    /// <summary>Takes in the broker's answers (from the agent's turn) and retries failed writes.</summary>
    public void Harvest()
    {
        var retries = _retries.ToArray();
        _retries.Clear();
        while (_results.TryDequeue(out var done))
        {
            if (done.Error is null) watermark.DeadLetterDone(done.Letter.Offset);
            else
            {
                onFailure(done.Letter.Offset, done.Error.Reason);
                _retries.Add(done.Letter);
            }
        }
        foreach (var letter in retries) TrySend(letter);
    }

    private void TrySend(DeadLetter letter)
    {
        try
        {
            producer.Enqueue(letter, (l, error) => _results.Enqueue((l, error)));
        }
        catch (KafkaException e)
        {
            // e.g. the producer's local queue is full: try again at the next poll; the offset stays uncommitted.
            onFailure(letter.Offset, e.Error.Reason);
            _retries.Add(letter);
        }
    }
}
