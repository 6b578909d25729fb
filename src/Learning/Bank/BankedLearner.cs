namespace StreamLabel.Learning.Bank;

/// <summary>
/// One student living in a slot of a <see cref="BankScheduler"/>'s bank: what a grain holds instead of an
/// <see cref="OnlineLearner"/>. Steps, snapshots and predictions are queued to the scheduler's worker and awaited;
/// <see cref="DisposeAsync"/> releases the slot (e.g. on deactivation, after a final snapshot). Read the state
/// properties between awaited calls (while none of this learner's calls is in flight), as a grain naturally does.
/// </summary>
public sealed class BankedLearner : IAsyncLearner
{
    private readonly BankScheduler _scheduler;
    private int _released;

    internal BankedLearner(BankScheduler scheduler, ModelBank bank, BankSlot slot)
    {
        _scheduler = scheduler;
        Bank = bank;
        Slot = slot;
    }

    internal ModelBank Bank { get; }
    internal BankSlot Slot { get; }

    public LearnerSpec Spec => Slot.Spec;

    /// <summary>"cuda" or "cpu".</summary>
    public string Device => Slot.Device;

    /// <summary>Model version = learning steps applied.</summary>
    public long Version => Slot.Version;

    public LearnerCounters Counters => Slot.Counters;

    public PrequentialMetrics Metrics => Slot.Metrics;

    public double Maturity => Slot.Maturity;

    public double GlobalTrust => Slot.GlobalTrust;

    /// <summary>False once released (or once its scheduler was disposed).</summary>
    public bool Live => Slot.Live && _released == 0;

    /// <summary>
    /// <see cref="OnlineLearner.TestThenTrain"/>, run in the next round of the scheduler together with other students'
    /// steps. A second call before the first completes waits for the round after (order per learner is kept). Bad
    /// input gives a faulted task with an <see cref="ArgumentException"/> naming the field; nothing is queued then.
    /// </summary>
    public Task<PrequentialResult> TestThenTrainAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels, DistillationBatch? distill = null) =>
        _scheduler.StepAsync(this, features, rows, labels, distill);

    /// <summary>
    /// <see cref="OnlineLearner.Learn"/> on this slot alone (a bank step of one slot, after every call queued before
    /// it): rare (a warm start), so it is not coalesced with other students' steps.
    /// </summary>
    public Task<PrequentialResult> LearnAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels) =>
        _scheduler.RunAsync(this, () => Bank.Learn([new BankStep(LiveIndex(), features, rows, labels, null)])[0]);

    /// <summary>The slot in exactly <see cref="OnlineLearner.Snapshot"/>'s bytes, after every step queued before it.</summary>
    public Task<byte[]> SnapshotAsync() => _scheduler.RunAsync(this, () => Bank.Snapshot(LiveIndex()));

    /// <summary>Class probabilities rows × K without learning, after every step queued before it.</summary>
    public Task<float[]> PredictProbabilitiesAsync(ReadOnlyMemory<float> features, int rows) =>
        _scheduler.RunAsync(this, () => Bank.PredictProbabilities(LiveIndex(), features.Span, rows));

    // The slot index, unless this learner's slot was released (its index may belong to another student by now).
    private int LiveIndex() => Slot.Live ? Slot.Index : throw new ObjectDisposedException(nameof(BankedLearner), "the learner's slot was released");

    /// <summary>
    /// Releases the slot after the calls queued before it; its index goes to a later student. Idempotent; after the
    /// scheduler was disposed there is nothing left to release.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1 || !Slot.Live) return;
        try
        {
            await _scheduler.RunAsync(this, () =>
            {
                if (!Slot.Live) return false;
                Bank.Remove(Slot.Index);
                _scheduler.Released();
                return true;
            }, allowReleased: true).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) { } // the scheduler (and its banks) went away first
    }
}
