using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Regularization;

/// <summary>
/// Self-correction for noisy labels in a stream (ProSelfLC, Wang et al. CVPR 2021, with maturity instead of epochs):
/// global trust g = sigmoid(B·(m - 0.5)); per-example trust ε_i = g·(1 - H(p_i)/log K);
/// corrected target = (1-ε_i)·target_i + ε_i·p_i. A label's argmax can change only when ε_i &gt; 0.5 and the model
/// disagrees with it. Loss-based sample weights stay in [w_min, 1] (never negative, unlike the originating sketch).
/// </summary>
public static class SelfCorrection
{
    /// <summary>g = sigmoid(B·(progress - 0.5)), progress in [0, 1] (step/horizon in ProSelfLC; stream maturity here).</summary>
    public static double GlobalTrust(double progress, double expBase) => 1.0 / (1.0 + Math.Exp(-expBase * (progress - 0.5)));

    /// <summary>ε_i = g·(1 - H(p_i)/log K) [n] from log-probabilities [n, K] (finite for any logits).</summary>
    public static Tensor ExampleTrust(Tensor logProbabilities, double globalTrust)
    {
        using var negLogK = Scalars.Of(-Math.Log(logProbabilities.shape[1]));
        using var one = Scalars.Of(1);
        using var g = Scalars.Of(globalTrust);
        var entropy = logProbabilities.exp().mul(logProbabilities).sum(1).neg();
        return entropy.div(negLogK).add_(one).mul_(g);
    }

    /// <summary>(1-ε_i)·targets_i + ε_i·p_i: still a distribution when both inputs are.</summary>
    public static Tensor Correct(Tensor targets, Tensor probabilities, Tensor exampleTrust)
    {
        using var one = Scalars.Of(1);
        var eps = exampleTrust.unsqueeze(1);
        return targets.mul(eps.neg().add(one)).add_(probabilities.mul(eps));
    }

    /// <summary>
    /// Sample weights in [w_min, 1]: raw_i = clamp(exp(-max(0, loss_i - reference)/s), w_min, 1), then
    /// w_i = 1 - g·(1 - raw_i), so an immature model (g ≈ 0, e.g. right after a drift) trusts every label fully.
    /// </summary>
    public static Tensor Weights(Tensor perSampleLoss, double referenceLoss, double globalTrust, double minWeight, double lossScale)
    {
        if (!(minWeight >= 0 && minWeight <= 1)) throw new ArgumentOutOfRangeException(nameof(minWeight), minWeight, "must be in [0, 1]");
        if (!(globalTrust >= 0 && globalTrust <= 1)) throw new ArgumentOutOfRangeException(nameof(globalTrust), globalTrust, "must be in [0, 1]");
        using var reference = Scalars.Of(referenceLoss);
        using var zero = Scalars.Of(0);
        using var one = Scalars.Of(1);
        using var negScale = Scalars.Of(-lossScale);
        using var floor = Scalars.Of(minWeight);
        using var negTrust = Scalars.Of(-globalTrust);
        var raw = perSampleLoss.sub(reference).clamp_min(zero).div_(negScale).exp_().clamp_(floor, one);
        return raw.neg().add_(one).mul_(negTrust).add_(one);
    }
}
