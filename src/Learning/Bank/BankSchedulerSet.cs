namespace StreamLabel.Learning.Bank;

/// <summary>
/// Several <see cref="BankScheduler"/>s, each with its own worker thread and banks. A bank step costs about the same
/// whatever the number of students in it, so one worker caps a silo at its bank steps per second times the events in
/// each; on a silo with cores to spare, more workers lift that cap. A new student goes to the scheduler with the fewest
/// students and stays there (its steps stay in order); students of one shape on different workers step separately.
/// </summary>
public sealed class BankSchedulerSet : IDisposable, IAsyncDisposable
{
    private readonly BankScheduler[] _schedulers;
    private readonly object _gate = new();

    /// <param name="workers">Schedulers (worker threads), at least 1.</param>
    /// <param name="initialCapacity">Slots a new bank allocates up front (it doubles when full).</param>
    public BankSchedulerSet(int workers, int initialCapacity = 64)
    {
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers), workers, "must be >= 1");
        _schedulers = Enumerable.Range(0, workers).Select(_ => new BankScheduler(initialCapacity)).ToArray();
    }

    /// <summary>One worker per four cores, at least one: the rest of a silo (Kafka, Orleans, the teacher) needs cores too.</summary>
    public static int DefaultWorkers(int processorCount) => Math.Max(1, processorCount / 4);

    public IReadOnlyList<BankScheduler> Schedulers => _schedulers;

    /// <summary>Student steps completed, over all workers.</summary>
    public long Steps => _schedulers.Sum(s => s.Steps);

    /// <summary>Bank steps taken, over all workers.</summary>
    public long BankSteps => _schedulers.Sum(s => s.BankSteps);

    /// <summary>All workers' time in rounds (bank steps, adds, snapshots), added up.</summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(_schedulers.Sum(s => s.BusyTime.Ticks));

    /// <summary>The busiest worker's time in rounds: near the elapsed time, that worker limits learning.</summary>
    public TimeSpan MaxBusyTime => _schedulers.Max(s => s.BusyTime);

    /// <summary><see cref="BankScheduler.AddAsync"/> on the scheduler with the fewest students.</summary>
    public Task<BankedLearner> AddAsync(LearnerSpec spec)
    {
        // Choosing and counting under one lock (a scheduler counts a student when asked, before its worker runs the
        // add): activations arriving together cannot all pick the same scheduler.
        lock (_gate) return Least().AddAsync(spec);
    }

    /// <summary><see cref="BankScheduler.RestoreAsync"/> on the scheduler with the fewest students.</summary>
    public Task<BankedLearner> RestoreAsync(byte[] snapshot, string device = "auto")
    {
        lock (_gate) return Least().RestoreAsync(snapshot, device);
    }

    private BankScheduler Least() => _schedulers.MinBy(s => s.Students)!;

    public void Dispose()
    {
        foreach (var s in _schedulers) s.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
