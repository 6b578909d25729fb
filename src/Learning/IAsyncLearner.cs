namespace StreamLabel.Learning;

/// <summary>
/// A learner as a host that awaits it sees one: an <see cref="OnlineLearner"/> of its own (<see cref="SoloLearner"/>)
/// or a slot of a model bank (<see cref="Bank.BankedLearner"/>). Read the properties between awaited calls, never while
/// one of this learner's calls is in flight.
/// </summary>
public interface IAsyncLearner : IAsyncDisposable
{
    LearnerSpec Spec { get; }

    /// <summary>Model version = learning steps applied.</summary>
    long Version { get; }

    LearnerCounters Counters { get; }

    /// <summary><see cref="OnlineLearner.TestThenTrain"/>.</summary>
    Task<PrequentialResult> TestThenTrainAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels, DistillationBatch? distill = null);

    /// <summary><see cref="OnlineLearner.Learn"/>: learns a labeled batch without scoring it (no metrics, no drift
    /// detector), e.g. a new model's warm start on its teacher's pseudo-labeled rows.</summary>
    Task<PrequentialResult> LearnAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels);

    /// <summary><see cref="OnlineLearner.Snapshot"/> bytes, after every step started before it.</summary>
    Task<byte[]> SnapshotAsync();

    /// <summary>Class probabilities rows × K without learning.</summary>
    Task<float[]> PredictProbabilitiesAsync(ReadOnlyMemory<float> features, int rows);
}
