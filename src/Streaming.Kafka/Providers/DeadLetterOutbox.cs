using System.Collections.Concurrent;
using Confluent.Kafka;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>
/// A partition reader's dead letters in flight: produced without blocking the read; an offset counts as handled (and
/// may be committed) only once the broker acknowledged its dead letter. A letter refused as too large is written again
/// without its original (metadata only); other failures are retried with exponential backoff, never dropped.
/// </summary>
internal sealed class DeadLetterOutbox
{
    /// <summary>Wait before the first retry of a failed letter; it doubles with each failure up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between two tries of one letter.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Action<DeadLetter, Action<DeadLetter, Error?>> _send;
    private readonly PartitionWatermark _watermark;
    private readonly Action<long, string> _onFailure;
    private readonly TimeProvider _clock;
    private readonly ConcurrentQueue<(DeadLetter Letter, int Failures, Error? Error)> _results = new();
    private readonly List<(DeadLetter Letter, int Failures, DateTimeOffset Due)> _retries = [];

    public DeadLetterOutbox(DeadLetterProducer producer, PartitionWatermark watermark, Action<long, string> onFailure)
        : this(producer.Enqueue, watermark, onFailure, TimeProvider.System)
    {
    }

    /// <summary><paramref name="send"/> produces a letter and reports the broker's answer (null: written) to its callback;
    /// it may also throw a <see cref="KafkaException"/> when the letter cannot even be queued.</summary>
    internal DeadLetterOutbox(Action<DeadLetter, Action<DeadLetter, Error?>> send, PartitionWatermark watermark,
        Action<long, string> onFailure, TimeProvider clock)
    {
        (_send, _watermark, _onFailure, _clock) = (send, watermark, onFailure, clock);
    }

    /// <summary>Letters that failed and wait for their next try.</summary>
    public int WaitingRetries => _retries.Count;

    public void Send(DeadLetter letter)
    {
        _watermark.DeadLetterStarted(letter.Offset);
        TrySend(letter, 0);
    }

    /// <summary>Takes in the broker's answers (from the agent's turn) and retries failed writes that are due.</summary>
    public void Harvest()
    {
        var now = _clock.GetUtcNow();
        var due = new List<(DeadLetter Letter, int Failures)>();
        for (int i = _retries.Count - 1; i >= 0; i--)
        {
            if (_retries[i].Due > now) continue;
            due.Add((_retries[i].Letter, _retries[i].Failures));
            _retries.RemoveAt(i);
        }
        while (_results.TryDequeue(out var done))
        {
            if (done.Error is null) _watermark.DeadLetterDone(done.Letter.Offset);
            else Failed(done.Letter, done.Failures, done.Error, now);
        }
        for (int i = due.Count - 1; i >= 0; i--) TrySend(due[i].Letter, due[i].Failures);
    }

    private void TrySend(DeadLetter letter, int failures)
    {
        try
        {
            _send(letter, (l, error) => _results.Enqueue((l, failures, error)));
        }
        catch (KafkaException e)
        {
            // e.g. the producer's local queue is full, or the letter exceeds message.max.bytes: the offset stays uncommitted.
            Failed(letter, failures, e.Error, _clock.GetUtcNow());
        }
    }

    private void Failed(DeadLetter letter, int failures, Error error, DateTimeOffset now)
    {
        _onFailure(letter.Offset, error.Reason);
        if (DeadLetterProducer.IsTooLarge(error) && !letter.IsMetadataOnly)
        {
            // The same letter can never be written: keep what can be (reason, source, sizes), at once.
            TrySend(letter.WithoutOriginal(), failures);
            return;
        }
        _retries.Add((letter, failures + 1, now + RetryDelay(failures + 1)));
    }

    /// <summary>Wait before the next try after <paramref name="failures"/> failures: doubling, capped.</summary>
    internal static TimeSpan RetryDelay(int failures) =>
        failures > 16 ? MaxRetryDelay : TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << (failures - 1)));
}
