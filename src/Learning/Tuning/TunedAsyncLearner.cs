namespace StreamLabel.Learning.Tuning;

/// <summary>
/// A <see cref="TunedLearner"/> behind <see cref="IAsyncLearner"/>, as a host that awaits its learner sees it: the
/// served arm's version and counters stand for the model, the snapshot holds every arm and the bandit. Every call runs
/// synchronously on the caller's thread (the arms share a bank of their own, not the silo's).
/// </summary>
public sealed class TunedAsyncLearner(TunedLearner tuned) : IAsyncLearner
{
    public TunedLearner Tuned => tuned;

    public LearnerSpec Spec => tuned.Spec;
    public long Version => tuned.ServedSlot.Version;
    public LearnerCounters Counters => tuned.ServedSlot.Counters;

    /// <summary>The served arm, its switches and every arm's reward, test score, liveness and version.</summary>
    public TuningStatus Status => new(tuned.Options.Arms[tuned.Served].Name, tuned.Policy.Switches, tuned.Policy.Events,
        tuned.Options.Arms.Select((a, i) => new ArmStatus(a.Name, tuned.Policy.Reward(i), tuned.Policy.Score(i), tuned.Policy.IsLive(i), tuned.Arm(i).Version)).ToArray());

    /// <summary>Every live arm learns the batch; the distillation batch (if any) is the same for all of them.</summary>
    public Task<PrequentialResult> TestThenTrainAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels, DistillationBatch? distill = null)
    {
        try { return Task.FromResult(tuned.TestThenTrain(features, rows, labels, _ => distill).Served); }
        catch (Exception e) { return Task.FromException<PrequentialResult>(e); }
    }

    /// <summary>Every live arm learns the batch without scoring it; the result is the served arm's.</summary>
    public Task<PrequentialResult> LearnAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels)
    {
        try { return Task.FromResult(tuned.Learn(features, rows, labels)); }
        catch (Exception e) { return Task.FromException<PrequentialResult>(e); }
    }

    public Task<byte[]> SnapshotAsync() => Task.FromResult(tuned.Snapshot());

    public Task<float[]> PredictProbabilitiesAsync(ReadOnlyMemory<float> features, int rows)
    {
        try { return Task.FromResult(tuned.PredictProbabilities(features.Span, rows)); }
        catch (Exception e) { return Task.FromException<float[]>(e); }
    }

    public ValueTask DisposeAsync()
    {
        tuned.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>What a tuned model is doing: the served arm, how often it changed, labeled events scored, every arm.</summary>
public sealed record TuningStatus(string ServedArm, long Switches, long Events, IReadOnlyList<ArmStatus> Arms);

/// <summary>One arm: its discounted reward (accuracy on incoming labels; NaN before any), its sign-test score against
/// the served arm, whether it keeps learning, and its version (steps learned).</summary>
public sealed record ArmStatus(string Name, double Reward, double Score, bool Live, long Version);
