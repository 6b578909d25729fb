using static TorchSharp.torch;

namespace StreamLabel.Learning.Step;

/// <summary>
/// The weights a <see cref="LearningStep"/> runs on: one model (<see cref="Model.OnlineClassifier"/>) or the stacked
/// slots of a <see cref="Bank.ModelBank"/>. Only what depends on how the weights are stored lives here (forward,
/// backward and optimizer); every loss term and decision is written once, in the step (<see cref="StepLoss"/>).
/// </summary>
internal interface IStepModel
{
    /// <summary>
    /// Logits [P·R, K] of standardized inputs (P slots × R rows × F, row-major); tracks gradients when
    /// <paramref name="learn"/>. The model makes the input tensor in the shape its forward takes ([R, F] for one
    /// model, [P, R, F] for a bank).
    /// </summary>
    Tensor Forward(ReadOnlySpan<float> inputs, int slots, int rows, int width, bool learn);

    /// <summary>
    /// Backward of <paramref name="gradient"/> [P·R, K] (d of the summed per-slot losses by the <paramref name="logits"/>
    /// that <see cref="Forward"/> returned) and one optimizer update of the slots in <paramref name="learners"/>
    /// (positions in the step), each with its learning-rate multiplier; other slots keep their weights and moments.
    /// </summary>
    void Update(Tensor logits, Tensor gradient, int[] learners, double[] rateScales);

    /// <summary>Model version (learning steps applied) of the slot at position <paramref name="p"/>.</summary>
    long Version(int p);
}
