namespace StreamLabel.Learning.Bank;

/// <summary>
/// One slot's test-then-train input in a <see cref="ModelBank"/> step: rows × F features (row-major), one label per row
/// (-1 = none: predicted only) and an optional distillation batch, exactly what <see cref="OnlineLearner.TestThenTrain"/> takes.
/// </summary>
public sealed record BankStep(int Slot, ReadOnlyMemory<float> Features, int Rows, ReadOnlyMemory<int> Labels, DistillationBatch? Distill = null);
