namespace StreamLabel.Grains.Tests;

/// <summary>
/// A silo's incoming call filter that makes the grain of one key fail its stream deliveries and durability questions,
/// as a grain that cannot run would (e.g. a corrupt stored snapshot), until <see cref="Repair"/>. Its timers and the
/// test's own calls go through: a timer whose tick throws is not run again, which no real failure would cause.
/// </summary>
internal sealed class FailingKeys : IIncomingGrainCallFilter
{
    private volatile string? _broken;
    private int _refused;

    /// <summary>Calls refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public void Break(string key) => _broken = key;

    public void Repair() => _broken = null;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (_broken is { } key && context.TargetId.Key.ToString() == key && IsIntake(context))
        {
            Interlocked.Increment(ref _refused);
            throw new InvalidOperationException($"the grain of key '{key}' cannot run (failed on purpose)");
        }
        return context.Invoke();
    }

    // The stream's deliveries come through Orleans' consumer extension; the reader's questions through IDurableOffsetSource.
    private static bool IsIntake(IIncomingGrainCallContext context) =>
        context.InterfaceName.Contains("StreamConsumerExtension", StringComparison.Ordinal)
        || context.InterfaceName.Contains(nameof(StreamLabel.Streaming.Kafka.ExactlyOnce.IDurableOffsetSource), StringComparison.Ordinal);
}
