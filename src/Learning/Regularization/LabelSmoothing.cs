using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Regularization;

/// <summary>
/// Turns hard labels into smoothed target distributions. Two named conventions:
/// "uniform" (PyTorch's label_smoothing): (1-e)·onehot + e/K;
/// "others" (the originating design): (1-e)·onehot + e/(K-1)·(1-onehot). Equal when e_uniform = e_others·K/(K-1).
/// </summary>
public static class LabelSmoothing
{
    /// <summary>Targets [n, K] in <paramref name="dtype"/> for int64 labels [n] (not mutated).</summary>
    public static Tensor Targets(Tensor labels, int classCount, double epsilon, SmoothingConvention convention, ScalarType dtype = ScalarType.Float32)
    {
        Check(classCount, epsilon, convention);
        var onehot = nn.functional.one_hot(labels, classCount).to(dtype);
        if (epsilon == 0) return onehot;
        // (1-e)·onehot + e/(K-1)·(1-onehot) = onehot·(1 - e - e/(K-1)) + e/(K-1)
        bool uniform = convention == SmoothingConvention.Uniform;
        using var scale = Scalars.Of(uniform ? 1 - epsilon : 1 - epsilon - epsilon / (classCount - 1));
        using var floor = Scalars.Of(uniform ? epsilon / classCount : epsilon / (classCount - 1));
        return onehot.mul(scale).add_(floor, Scalars.One);
    }

    /// <summary>
    /// Targets [n, K] with ε per row (<paramref name="epsilonPerRow"/>[i] for row i): rows of learners with different
    /// smoothing in one call. Each row gets exactly the targets of the scalar overload with its ε.
    /// </summary>
    public static Tensor Targets(Tensor labels, int classCount, ReadOnlySpan<float> epsilonPerRow, SmoothingConvention convention)
    {
        var scale = new float[epsilonPerRow.Length];
        var floor = new float[epsilonPerRow.Length];
        bool uniform = convention == SmoothingConvention.Uniform;
        for (int i = 0; i < scale.Length; i++)
        {
            double e = epsilonPerRow[i];
            Check(classCount, e, convention);
            scale[i] = (float)(uniform ? 1 - e : 1 - e - e / (classCount - 1));
            floor[i] = (float)(uniform ? e / classCount : e / (classCount - 1));
        }
        var onehot = nn.functional.one_hot(labels, classCount).to(ScalarType.Float32);
        var dev = labels.device;
        return onehot.mul(torch.tensor(scale, device: dev).unsqueeze(1)).add_(torch.tensor(floor, device: dev).unsqueeze(1), Scalars.One);
    }

    /// <summary>The "uniform" epsilon that gives the same targets as <paramref name="epsilonOthers"/> under "others".</summary>
    public static double OthersToUniform(double epsilonOthers, int classCount) => epsilonOthers * classCount / (classCount - 1);

    private static void Check(int classCount, double epsilon, SmoothingConvention convention)
    {
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "needs at least two classes");
        if (!(epsilon >= 0 && epsilon < 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "smoothing must be in [0, 1)");
        if (!Enum.IsDefined(convention))
            throw new ArgumentException($"smoothing convention '{convention}' is not one of: uniform, others", nameof(convention));
    }
}
