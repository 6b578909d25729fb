using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// The silo's dead-letter writer, except that the first rejected event a grain dead-letters fails as an unreachable
/// broker would: the real failure path of a delivery, through the grain's own dependency, with no test hook in it.
/// </summary>
internal sealed class FailFirstDeadLetterWriter(IDeadLetterWriter inner) : IDeadLetterWriter
{
    private int _writes;

    /// <summary>How many writes were failed on purpose (one at most).</summary>
    public int Failures { get; private set; }

    public Task WriteAsync(DeadLetter letter, CancellationToken cancellationToken = default) => inner.WriteAsync(letter, cancellationToken);

    public Task WriteAsync(StreamEvent rejected, string reason, string? detail = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _writes) > 1) return inner.WriteAsync(rejected, reason, detail, cancellationToken);
        Failures++;
        return Task.FromException(new IOException($"dead letter of offset {rejected.Offset} not acknowledged (failed on purpose)"));
    }

    public IReadOnlyDictionary<string, long> CountsByReason => inner.CountsByReason;
}
