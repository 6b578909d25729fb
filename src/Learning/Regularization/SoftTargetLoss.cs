using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Regularization;

/// <summary>Cross-entropy against soft targets, from log_softmax so it stays finite for logits of any scale.</summary>
public static class SoftTargetLoss
{
    /// <summary>Per-sample loss [n] = -Σ_k targets·log_softmax(logits).</summary>
    public static Tensor PerSample(Tensor logits, Tensor targets) =>
        targets.mul(nn.functional.log_softmax(logits, 1)).sum(1).neg();

    /// <summary>Batch mean of <see cref="PerSample"/>.</summary>
    public static Tensor Mean(Tensor logits, Tensor targets) => PerSample(logits, targets).mean();
}
