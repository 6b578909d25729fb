using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Regularization;

/// <summary>
/// Self-correction for noisy labels in a stream (ProSelfLC, Wang et al. CVPR 2021, with maturity instead of epochs):
/// global trust g = sigmoid(B·(m - 0.5)); per-example trust ε_i = g·(1 - H(p_i)/log K);
/// corrected target = (1-ε_i)·target_i + ε_i·p_i. A label's argmax can change only when ε_i &gt; 0.5 and the model
/// disagrees with it. Loss-based sample weights stay in [w_min, 1] (never negative, unlike the originating sketch).
/// The tensor overloads take g (and the loss reference) per sample, so one call serves rows of many learners
/// (a <see cref="Bank.ModelBank"/>); the scalar overloads are the same formula with one g.
/// </summary>
public static class SelfCorrection
{
    /// <summary>g = sigmoid(B·(progress - 0.5)), progress in [0, 1] (step/horizon in ProSelfLC; stream maturity here).</summary>
    public static double GlobalTrust(double progress, double expBase) => 1.0 / (1.0 + Math.Exp(-expBase * (progress - 0.5)));

    /// <summary>ε_i = g·(1 - H(p_i)/log K) [n] from log-probabilities [n, K] (finite for any logits).</summary>
    public static Tensor ExampleTrust(Tensor logProbabilities, double globalTrust)
    {
        using var g = Same(logProbabilities, globalTrust);
        return ExampleTrust(logProbabilities, g);
    }

    /// <summary>ε_i = g_i·(1 - H(p_i)/log K) [n], with g per sample [n] (or a 0-dim tensor).</summary>
    public static Tensor ExampleTrust(Tensor logProbabilities, Tensor globalTrust)
    {
        using var negLogK = Scalars.Of(-Math.Log(logProbabilities.shape[1]));
        using var one = Scalars.Of(1);
        var entropy = logProbabilities.exp().mul(logProbabilities).sum(1).neg();
        return entropy.div(negLogK).add_(one, Scalars.One).mul_(globalTrust);
    }

    /// <summary>(1-ε_i)·targets_i + ε_i·p_i: still a distribution when both inputs are.</summary>
    public static Tensor Correct(Tensor targets, Tensor probabilities, Tensor exampleTrust)
    {
        using var one = Scalars.Of(1);
        var eps = exampleTrust.unsqueeze(1);
        return targets.mul(eps.neg().add(one, Scalars.One)).add_(probabilities.mul(eps), Scalars.One);
    }

    /// <summary>
    /// Sample weights in [w_min, 1]: raw_i = clamp(exp(-max(0, loss_i - reference)/s), w_min, 1), then
    /// w_i = 1 - g·(1 - raw_i), so an immature model (g ≈ 0, e.g. right after a drift) trusts every label fully.
    /// </summary>
    public static Tensor Weights(Tensor perSampleLoss, double referenceLoss, double globalTrust, double minWeight, double lossScale)
    {
        if (!(globalTrust >= 0 && globalTrust <= 1)) throw new ArgumentOutOfRangeException(nameof(globalTrust), globalTrust, "must be in [0, 1]");
        using var reference = Same(perSampleLoss, referenceLoss);
        using var g = Same(perSampleLoss, globalTrust);
        return Weights(perSampleLoss, reference, g, minWeight, lossScale);
    }

    /// <summary>The same with the reference loss and g per sample [n] (or 0-dim tensors); g must lie in [0, 1].</summary>
    public static Tensor Weights(Tensor perSampleLoss, Tensor referenceLoss, Tensor globalTrust, double minWeight, double lossScale)
    {
        if (!(minWeight >= 0 && minWeight <= 1)) throw new ArgumentOutOfRangeException(nameof(minWeight), minWeight, "must be in [0, 1]");
        using var zero = Scalars.Of(0);
        using var one = Scalars.Of(1);
        using var negScale = Scalars.Of(-lossScale);
        using var floor = Scalars.Of(minWeight);
        var raw = perSampleLoss.sub(referenceLoss).clamp_min(zero).div_(negScale).exp_().clamp_(floor, one);
        return raw.neg().add_(one, Scalars.One).mul_(globalTrust.neg()).add_(one, Scalars.One);
    }

    /// <summary>
    /// The same with w_min and s per sample [n] as well: rows of learners with different self-correction settings in
    /// one call (each in [0, 1] and &gt; 0, checked by their specs).
    /// </summary>
    public static Tensor Weights(Tensor perSampleLoss, Tensor referenceLoss, Tensor globalTrust, Tensor minWeight, Tensor lossScale)
    {
        using var zero = Scalars.Of(0);
        using var one = Scalars.Of(1);
        var raw = perSampleLoss.sub(referenceLoss).clamp_min(zero).div_(lossScale.neg()).exp_();
        raw = torch.maximum(raw, minWeight).clamp_max_(one);
        return raw.neg().add_(one, Scalars.One).mul_(globalTrust.neg()).add_(one, Scalars.One);
    }

    // A 0-dim tensor of the value in the other tensor's dtype and device: scalar and per-sample calls share one formula.
    private static Tensor Same(Tensor like, double value) => torch.tensor(value, dtype: like.dtype, device: like.device);
}
