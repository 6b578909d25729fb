namespace StreamLabel.Learning.Model;

/// <summary>
/// The previous observed label of the stream as extra input: each row gets a one-hot of the label of the event before
/// it (all zeros until the first label). Within a batch row i sees row i-1's label (in test-then-train it is known
/// before row i is predicted, exactly what the no-change baseline uses); unlabeled rows carry the last known label
/// forward. The last label is learner state (snapshotted), so batches chain across calls.
/// </summary>
internal sealed class LaggedLabelInput(int featureCount, int classCount)
{
    /// <summary>Last observed label, -1 before the first one.</summary>
    public int Last { get; private set; } = -1;

    /// <summary>Model input width: the features plus one column per class.</summary>
    public int Width => featureCount + classCount;

    /// <summary>Rows × <see cref="Width"/>: features with the lagged one-hot appended. Advances <see cref="Last"/> over <paramref name="labels"/>.</summary>
    public float[] Append(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels)
    {
        var inputs = Build(features, rows, labels, Last, out int last);
        Last = last;
        return inputs;
    }

    /// <summary>Like <see cref="Append"/> with no labels, without changing state: every row sees the current last label.</summary>
    public float[] Peek(ReadOnlySpan<float> features, int rows) => Build(features, rows, default, Last, out _);

    private float[] Build(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels, int last, out int lastAfter)
    {
        int w = Width;
        var inputs = new float[rows * w];
        for (int r = 0; r < rows; r++)
        {
            features.Slice(r * featureCount, featureCount).CopyTo(inputs.AsSpan(r * w, featureCount));
            if (last >= 0) inputs[r * w + featureCount + last] = 1;
            if (!labels.IsEmpty && labels[r] >= 0) last = labels[r];
        }
        lastAfter = last;
        return inputs;
    }

    public void Restore(int last)
    {
        if (last < -1 || last >= classCount) throw new InvalidDataException($"snapshot lagged label {last} is not -1 or a class in [0, {classCount})");
        Last = last;
    }
}
