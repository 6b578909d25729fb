using System.Runtime.InteropServices;
using StreamLabel.Learning.Regularization;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Model;

/// <summary>
/// Adam (Kingma &amp; Ba; PyTorch's update with coupled L2 weight decay) or plain SGD over the classifier's parameters.
/// Written here rather than taken from torch.optim so that its whole state (step count, moment tensors) is in the
/// learner's snapshot and restores bit-exact.
/// </summary>
internal sealed class OnlineOptimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor[] _m, _v;

    public OnlineOptimizer(string kind, IReadOnlyList<Tensor> parameters, double learningRate, double weightDecay)
    {
        Kind = kind;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        _parameters = parameters;
        bool adam = kind == "adam";
        using var scope = NewDisposeScope();
        _m = adam ? parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray() : [];
        _v = adam ? parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray() : [];
    }

    public string Kind { get; }
    public double LearningRate { get; }
    public double WeightDecay { get; }

    /// <summary>Optimizer steps taken.</summary>
    public long Steps { get; private set; }

    /// <summary>Drops the gradients (PyTorch's set_to_none): the next backward creates them anew, with the same values
    /// a zeroed gradient would accumulate, and a model between steps holds no gradient tensors (thousands of idle
    /// students kept ~2.9 KB of native memory each in them).</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad = null!;
    }

    /// <summary>One update; <paramref name="rateScale"/> multiplies the learning rate for this step only.</summary>
    public void Step(double rateScale = 1)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Steps++;
        double bc1 = 1 - Math.Pow(Beta1, Steps), bc2 = 1 - Math.Pow(Beta2, Steps);
        // Explicit scalars, alive for the whole step (see Regularization.Scalars).
        using var decay = Scalars.Of(WeightDecay);
        using var sgdStep = Scalars.Of(-LearningRate * rateScale);
        using var beta1 = Scalars.Of(Beta1);
        using var oneMinusBeta1 = Scalars.Of(1 - Beta1);
        using var beta2 = Scalars.Of(Beta2);
        using var oneMinusBeta2 = Scalars.Of(1 - Beta2);
        using var sqrtBc2 = Scalars.Of(Math.Sqrt(bc2));
        using var epsilon = Scalars.Of(Epsilon);
        using var adamStep = Scalars.Of(-LearningRate * rateScale / bc1);
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var g = p.grad;
            if (g is null) continue;
            if (WeightDecay != 0) g = g.add(p, decay);
            if (Kind == "sgd") { p.add_(g, sgdStep); continue; }
            _m[i].mul_(beta1).add_(g, oneMinusBeta1);
            _v[i].mul_(beta2).addcmul_(g, g, oneMinusBeta2);
            var denom = _v[i].sqrt().div_(sqrtBc2).add_(epsilon);
            p.addcdiv_(_m[i], denom, adamStep);
        }
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(Steps);
        w.Write(_m.Length);
        for (int i = 0; i < _m.Length; i++) { TensorIO.Write(w, _m[i]); TensorIO.Write(w, _v[i]); }
    }

    internal void Read(BinaryReader r)
    {
        Steps = r.ReadInt64();
        int n = r.ReadInt32();
        if (n != _m.Length) throw new InvalidDataException($"snapshot has {n} optimizer moment pairs, the model needs {_m.Length}");
        for (int i = 0; i < n; i++) { TensorIO.ReadInto(r, _m[i]); TensorIO.ReadInto(r, _v[i]); }
    }

    public void Dispose()
    {
        foreach (var t in _m) t.Dispose();
        foreach (var t in _v) t.Dispose();
    }
}

/// <summary>Raw float32 tensor (de)serialization: shape, then the values' bytes (little-endian, as in memory).</summary>
internal static class TensorIO
{
    public static void Write(BinaryWriter w, Tensor t)
    {
        using var scope = NewDisposeScope();
        var values = t.cpu().contiguous().data<float>().ToArray();
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public static void ReadInto(BinaryReader r, Tensor target)
    {
        int n = r.ReadInt32();
        if (n != target.numel()) throw new InvalidDataException($"snapshot tensor has {n} values, the model needs {target.numel()}");
        var values = new float[n];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        target.copy_(tensor(values, target.shape).to(target.device));
    }
}
