namespace StreamLabel.Learning;

/// <summary>
/// An <see cref="OnlineLearner"/> of its own behind <see cref="IAsyncLearner"/>: every call runs synchronously on the
/// caller's thread and returns a completed task. For specs a model bank does not take, or when banking is off.
/// </summary>
public sealed class SoloLearner(OnlineLearner learner) : IAsyncLearner
{
    public LearnerSpec Spec => learner.Spec;
    public long Version => learner.Version;
    public LearnerCounters Counters => learner.Counters;

    public Task<PrequentialResult> TestThenTrainAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels, DistillationBatch? distill = null)
    {
        try { return Task.FromResult(learner.TestThenTrain(features.Span, rows, labels.Span, distill)); }
        catch (Exception e) { return Task.FromException<PrequentialResult>(e); }
    }

    public Task<PrequentialResult> LearnAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels)
    {
        try { return Task.FromResult(learner.Learn(features.Span, rows, labels.Span)); }
        catch (Exception e) { return Task.FromException<PrequentialResult>(e); }
    }

    public Task<byte[]> SnapshotAsync() => Task.FromResult(learner.Snapshot());

    public Task<float[]> PredictProbabilitiesAsync(ReadOnlyMemory<float> features, int rows)
    {
        try { return Task.FromResult(learner.PredictProbabilities(features.Span, rows)); }
        catch (Exception e) { return Task.FromException<float[]>(e); }
    }

    public ValueTask DisposeAsync()
    {
        learner.Dispose();
        return ValueTask.CompletedTask;
    }
}
