namespace StreamLabel.Grains.Teacher;

/// <summary>
/// The model behind a teacher grain: the learning core's ensemble teacher (the default) or its older replay teacher
/// (kept for existing checkpoints). The grain only forwards rows and answers; the math stays in the learning core.
/// </summary>
internal interface IGroupTeacher : IDisposable
{
    /// <summary>"ensemble" or "replay".</summary>
    string Kind { get; }

    /// <summary>"cuda" or "cpu".</summary>
    string Device { get; }

    int FeatureCount { get; }

    int ClassCount { get; }

    /// <summary>Labeled rows learned so far.</summary>
    long SamplesLearned { get; }

    /// <summary>Grows as the teacher learns; students see it with their soft targets.</summary>
    int Version { get; }

    /// <summary>
    /// Soft targets at <paramref name="temperature"/> (rows × K) and the predicted class of each row, from the model as
    /// it is, then learns the rows.
    /// </summary>
    (float[] Probabilities, int[] Predicted) PredictThenLearn(float[] features, int rows, int[] labels, double temperature);

    /// <summary>Soft targets at <paramref name="temperature"/> (rows × K) without learning.</summary>
    float[] SoftTargets(float[] features, int rows, double temperature);

    /// <summary>Rows of what the teacher has learned (rows × F) labeled with its own clean-class argmax, for a new
    /// student's warm start; null when it keeps no rows (the replay teacher) or has none yet.</summary>
    (float[] Features, int[] Labels)? PseudoLabeled(int rows);

    /// <summary>The learning core's snapshot bytes (also what `streamlabel teacher load` takes).</summary>
    byte[] Snapshot();
}
