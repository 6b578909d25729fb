using StreamLabel.Learning.Regularization;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Model;

/// <summary>
/// The update rule of <see cref="OnlineOptimizer"/> on one parameter tensor: Adam as PyTorch computes it (coupled L2
/// weight decay, bias correction) or SGD. The per-model numbers (step size, √(1-β2^t)) come as tensors that broadcast
/// over the parameter: 0-dim for one model, [slots, 1] for a <see cref="Bank.ModelBank"/>'s rows of all parameters,
/// where every slot has its own step count and drift boost. One copy of the formula for both.
/// </summary>
internal static class OptimizerUpdate
{
    public const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    // Adam's constants as native scalars made once and rooted for the process (see Scalars.One): five fewer native
    // allocations per parameter tensor and step, and none that a finalizer could free mid-call.
    private static readonly Scalar Beta1Scalar = Beta1, OneMinusBeta1Scalar = 1 - Beta1, Beta2Scalar = Beta2,
        OneMinusBeta2Scalar = 1 - Beta2, EpsilonScalar = Epsilon;

    /// <summary>
    /// The signed step size and √(1-β2^t) of step number <paramref name="step"/> (1-based): Adam -lr·scale/(1-β1^t),
    /// SGD -lr·scale (then √… is unused).
    /// </summary>
    public static (double Rate, double SqrtBc2) Rates(OptimizerKind kind, double learningRate, long step, double rateScale)
    {
        if (kind == OptimizerKind.Sgd) return (-learningRate * rateScale, 1);
        double bc1 = 1 - Math.Pow(Beta1, step), bc2 = 1 - Math.Pow(Beta2, step);
        return (-learningRate * rateScale / bc1, Math.Sqrt(bc2));
    }

    /// <summary>In place: p, and for Adam its moments m and v, from the gradient g.</summary>
    public static void Apply(OptimizerKind kind, double weightDecay, Tensor p, Tensor g, Tensor? m, Tensor? v, Tensor rate, Tensor sqrtBc2)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var decay = Scalars.Of(weightDecay);
        if (weightDecay != 0) g = g.add(p, decay);
        if (kind == OptimizerKind.Sgd) { p.add_(g.mul(rate), Scalars.One); return; }
        m!.mul_(Beta1Scalar).add_(g, OneMinusBeta1Scalar);
        v!.mul_(Beta2Scalar).addcmul_(g, g, OneMinusBeta2Scalar);
        var denom = v.sqrt().div_(sqrtBc2).add_(EpsilonScalar, Scalars.One);
        p.add_(m.mul(rate).div_(denom), Scalars.One); // = addcdiv_(m, denom, rate): (rate·m)/denom, as PyTorch's kernel orders it
    }
}
