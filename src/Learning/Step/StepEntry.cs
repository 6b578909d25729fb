using StreamLabel.Learning.Model;

namespace StreamLabel.Learning.Step;

/// <summary>
/// One slot's part of a <see cref="LearningStep"/>: its checked input (rows × width model inputs, one label per row,
/// -1 = none; an optional distillation batch) and the plain C# state the step reads and updates.
/// </summary>
internal readonly record struct StepEntry(
    ReadOnlyMemory<float> Features,
    int Rows,
    ReadOnlyMemory<int> Labels,
    DistillationBatch? Distill,
    List<int> Labeled,
    LearnerState State,
    FeatureStandardizer Standardizer)
{
    public int Replayed => Distill?.Rows ?? 0;

    /// <summary>A label or a distillation batch: this slot's weights change in the step.</summary>
    public bool Learns => Labeled.Count > 0 || Distill is not null;
}
