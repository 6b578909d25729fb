namespace StreamLabel.Learning;

/// <summary>
/// What one test-then-train step saw and did. Predictions were made before learning from the batch.
/// </summary>
/// <param name="Probabilities">rows × K row-major class probabilities (before learning).</param>
/// <param name="Predicted">argmax class per row.</param>
/// <param name="Labeled">rows with a label (label &gt;= 0): scored and learned from.</param>
/// <param name="Correct">labeled rows whose prediction equals the given label.</param>
/// <param name="Loss">total training loss of the step (NaN when nothing was learned).</param>
/// <param name="Corrected">labels whose target argmax was overruled by self-correction in this step.</param>
/// <param name="DownWeighted">samples whose weight fell below the midpoint (1 + w_min)/2 in this step.</param>
/// <param name="DriftDetected">the drift detector fired on this batch's errors (maturity was reset before learning).</param>
/// <param name="DriftDetector">the detector's name when it fired, otherwise null.</param>
/// <param name="TeacherAgreement">fraction of distillation rows where student and teacher argmax agree; null without distillation.</param>
/// <param name="Version">model version after this step.</param>
public sealed record PrequentialResult(
    float[] Probabilities,
    int[] Predicted,
    int Labeled,
    int Correct,
    double Loss,
    int Corrected,
    int DownWeighted,
    bool DriftDetected,
    string? DriftDetector,
    double? TeacherAgreement,
    long Version)
{
    public int Rows => Predicted.Length;

    /// <summary>
    /// The loss was NaN or infinite, so the step was not taken: weights, optimizer moments, version, counters of
    /// learned rows, maturity and loss reference stay as they were (predictions, metrics and the detector did run).
    /// </summary>
    public bool StepSkipped { get; init; }

    /// <summary>Accuracy on this batch's labeled rows against the given labels (NaN when none).</summary>
    public double Accuracy => Labeled == 0 ? double.NaN : (double)Correct / Labeled;
}

/// <summary>
/// Replayed samples with a teacher's soft targets at the learner's temperature T: the distillation term applies to
/// these rows. <paramref name="Features"/> is Rows × the student's InputWidth (F, plus K with lagged labels), <paramref name="TeacherProbabilities"/> Rows × K, row-major.
/// </summary>
public sealed record DistillationBatch(float[] Features, int Rows, float[] TeacherProbabilities);

/// <summary>Every decision the learner took, since it was created (survives snapshots), for the dashboard.</summary>
public sealed record LearnerCounters
{
    /// <summary>Rows passed to TestThenTrain (labeled or not).</summary>
    public long EventsSeen { get; init; }
    /// <summary>Rows that carried a label (scored prequentially).</summary>
    public long EventsLabeled { get; init; }
    /// <summary>Labeled rows whose prediction (before learning) matched the given label.</summary>
    public long PredictedCorrectly { get; init; }
    /// <summary>Rows learned from with a hard label (TestThenTrain and Learn).</summary>
    public long EventsLearned { get; init; }
    /// <summary>Replayed rows learned from a teacher's soft targets.</summary>
    public long DistilledSamples { get; init; }
    /// <summary>Labels overruled by self-correction (target argmax ≠ given label).</summary>
    public long LabelsCorrected { get; init; }
    /// <summary>Samples whose weight fell below (1 + w_min)/2.</summary>
    public long SamplesDownWeighted { get; init; }
    /// <summary>Drifts reported by the detector.</summary>
    public long DriftsDetected { get; init; }
    /// <summary>Learning steps (equals the model version).</summary>
    public long Steps { get; init; }
    /// <summary>
    /// Steps skipped because their loss was NaN or infinite (the weights were kept). Counted since the learner was
    /// created or restored: unlike the others it is not in the snapshot, whose bytes stay as they are.
    /// </summary>
    public long StepsSkipped { get; init; }

    /// <summary>Prequential accuracy on the given labels since creation (NaN before any label).</summary>
    public double Accuracy => EventsLabeled == 0 ? double.NaN : (double)PredictedCorrectly / EventsLabeled;
}
