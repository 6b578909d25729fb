using System.Diagnostics;

namespace StreamLabel.Learning.Bank;

/// <summary>
/// Coalesces many students' test-then-train calls into one <see cref="ModelBank"/> step per bank: callers queue a
/// step and await its <see cref="PrequentialResult"/>; one dedicated worker thread (TorchSharp dispose scopes are
/// per thread, so a step never hops threads) drains everything queued, runs one bank step per bank with at most one
/// entry per student, and completes the tasks (continuations run asynchronously, never on the worker). A student's
/// second queued step, and anything queued after it for that student, waits for the next round: order per student is
/// kept. Snapshot, predict, add and release run on the same worker. An exception in a bank step fails that bank's
/// tasks of the round, with the exception; disposal fails whatever is still queued with <see cref="ObjectDisposedException"/>.
/// Plain .NET: no Orleans; a silo holds one scheduler and grains await it.
/// </summary>
public sealed class BankScheduler : IDisposable, IAsyncDisposable
{
    private readonly object _gate = new();
    private List<Work> _queue = [];
    private readonly Dictionary<string, ModelBank> _banks = [];
    private readonly Thread _worker;
    private readonly int _initialCapacity;
    private bool _disposed;
    private long _rounds, _bankSteps, _steps, _busyTicks;
    private int _students;

    /// <param name="initialCapacity">Slots a new bank allocates up front (it doubles when full).</param>
    public BankScheduler(int initialCapacity = 64)
    {
        if (initialCapacity < 1) throw new ArgumentOutOfRangeException(nameof(initialCapacity), initialCapacity, "must be >= 1");
        _initialCapacity = initialCapacity;
        _worker = new Thread(Run) { IsBackground = true, Name = "model-bank" };
        _worker.Start();
    }

    /// <summary>Worker rounds that ran (each drains the queue once).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Bank steps taken (one per bank per round with steps).</summary>
    public long BankSteps => Interlocked.Read(ref _bankSteps);

    /// <summary>Student steps completed through bank steps.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Time the worker spent in rounds (steps and ops), as opposed to waiting for work: near the elapsed time,
    /// the worker is what limits the silo's learning rate.</summary>
    public TimeSpan BusyTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    /// <summary>Students asked for here (added or restored, counted before the worker runs the add) and not yet released.</summary>
    public int Students => Volatile.Read(ref _students);

    /// <summary>Banks (one per tensor-math shape and device).</summary>
    public int BankCount { get { lock (_gate) return _banks.Count; } }

    /// <summary>
    /// A fresh student (the same initial weights as <c>new OnlineLearner(spec)</c>) in the bank of its shape. Throws
    /// (faulted task) <see cref="NotSupportedException"/> when <see cref="ModelBank.Supports"/> is false: use an OnlineLearner.
    /// </summary>
    public Task<BankedLearner> AddAsync(LearnerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Admit(() =>
        {
            var bank = BankFor(spec.Validate());
            return new BankedLearner(this, bank, bank.Slot(bank.Add(spec)));
        });
    }

    /// <summary>A student from <see cref="OnlineLearner.Snapshot"/> (or <see cref="BankedLearner.SnapshotAsync"/>) bytes on <paramref name="device"/>.</summary>
    public Task<BankedLearner> RestoreAsync(byte[] snapshot, string device = "auto")
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Admit(() =>
        {
            var bank = BankFor(ModelBank.SpecOf(snapshot, device).Validate());
            return new BankedLearner(this, bank, bank.Slot(bank.Restore(snapshot, device)));
        });
    }

    // Counted when asked for, not when the worker gets to it: a burst of activations spreads over a BankSchedulerSet.
    private Task<BankedLearner> Admit(Func<BankedLearner> add)
    {
        Interlocked.Increment(ref _students);
        return RunAsync(null, () =>
        {
            try { return add(); }
            catch { Released(); throw; }
        }, onFail: Released);
    }

    internal Task<PrequentialResult> StepAsync(BankedLearner learner, ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels, DistillationBatch? distill)
    {
        try { ModelBank.Check(learner.Spec, features.Span, rows, labels.Span, distill); }
        catch (ArgumentException e) { return Task.FromException<PrequentialResult>(e); }
        var work = new StepWork(learner, new BankStep(learner.Slot.Index, features, rows, labels, distill));
        return Enqueue(work, work.Completion.Task, allowReleased: false);
    }

    internal Task<T> RunAsync<T>(BankedLearner? learner, Func<T> run, bool allowReleased = false, Action? onFail = null)
    {
        var work = new OpWork<T>(learner, run, onFail);
        return Enqueue(work, work.Completion.Task, allowReleased);
    }

    private Task<T> Enqueue<T>(Work work, Task<T> task, bool allowReleased)
    {
        if (!allowReleased && work.Learner is { Live: false }) work.Fail(new ObjectDisposedException(nameof(BankedLearner), "the learner's slot was released"));
        else
            lock (_gate)
            {
                if (_disposed) work.Fail(new ObjectDisposedException(nameof(BankScheduler)));
                else
                {
                    _queue.Add(work);
                    Monitor.Pulse(_gate);
                }
            }
        return task;
    }

    // A released slot (BankedLearner.DisposeAsync) no longer counts towards this scheduler's students.
    internal void Released() => Interlocked.Decrement(ref _students);

    private ModelBank BankFor(LearnerSpec spec)
    {
        if (ModelBank.Unsupported(spec) is { } reason) throw new NotSupportedException(reason);
        Model.TorchDevice.Resolve(spec.Device, out var device);
        string key = device + ":" + Convert.ToHexString(ModelBank.ShapeKey(spec));
        lock (_gate)
        {
            if (!_banks.TryGetValue(key, out var bank)) _banks[key] = bank = new ModelBank(spec, _initialCapacity);
            return bank;
        }
    }

    private void Run()
    {
        while (true)
        {
            List<Work> batch;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_disposed) Monitor.Wait(_gate);
                if (_disposed) break;
                batch = _queue;
                _queue = [];
            }
            long start = Stopwatch.GetTimestamp();
            var deferred = Round(batch);
            Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - start);
            lock (_gate) _queue.InsertRange(0, deferred);
        }
    }

    // One round: ops run in queue order; each learner's first step joins its bank's step; anything after a learner's
    // step (or after something already deferred for it) waits for the next round.
    private List<Work> Round(List<Work> batch)
    {
        var blocked = new HashSet<BankedLearner>(ReferenceEqualityComparer.Instance);
        var steps = new Dictionary<ModelBank, List<StepWork>>();
        var deferred = new List<Work>();
        foreach (var work in batch)
        {
            if (work.Learner is { } learner && blocked.Contains(learner)) { deferred.Add(work); continue; }
            if (work is StepWork step)
            {
                if (!step.Learner!.Slot.Live) { step.Fail(new ObjectDisposedException(nameof(BankedLearner), "the learner's slot was released")); continue; }
                blocked.Add(step.Learner);
                var bank = step.Learner.Bank;
                if (!steps.TryGetValue(bank, out var list)) steps[bank] = list = [];
                list.Add(step);
            }
            else work.Execute();
        }
        foreach (var (bank, list) in steps)
        {
            try
            {
                var results = bank.TestThenTrain(list.Select(s => s.Step).ToArray());
                Interlocked.Increment(ref _bankSteps);
                Interlocked.Add(ref _steps, list.Count);
                for (int i = 0; i < list.Count; i++) list[i].Completion.SetResult(results[i]);
            }
            catch (Exception e)
            {
                foreach (var s in list) s.Fail(e);
            }
        }
        Interlocked.Increment(ref _rounds);
        return deferred;
    }

    public void Dispose()
    {
        List<Work> pending;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            pending = _queue;
            _queue = [];
            Monitor.PulseAll(_gate);
        }
        if (Thread.CurrentThread != _worker) _worker.Join();
        lock (_gate)
        {
            pending.AddRange(_queue); // deferred by the last round
            _queue = [];
        }
        foreach (var work in pending) work.Fail(new ObjectDisposedException(nameof(BankScheduler)));
        foreach (var bank in _banks.Values) bank.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private abstract class Work(BankedLearner? learner)
    {
        public BankedLearner? Learner { get; } = learner;
        public abstract void Execute();
        public abstract void Fail(Exception e);
    }

    private sealed class StepWork(BankedLearner learner, BankStep step) : Work(learner)
    {
        public BankStep Step { get; } = step;
        public TaskCompletionSource<PrequentialResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Execute() => throw new InvalidOperationException("steps run in a bank step");
        public override void Fail(Exception e) => Completion.TrySetException(e);
    }

    // onFail: called when the work fails without running (disposal), so what was counted for it is given back.
    private sealed class OpWork<T>(BankedLearner? learner, Func<T> run, Action? onFail) : Work(learner)
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Execute()
        {
            try { Completion.SetResult(run()); }
            catch (Exception e) { Completion.SetException(e); }
        }

        public override void Fail(Exception e)
        {
            if (Completion.TrySetException(e)) onFail?.Invoke();
        }
    }
}
