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
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor[] _m, _v;

    public OnlineOptimizer(OptimizerKind kind, IReadOnlyList<Tensor> parameters, double learningRate, double weightDecay)
    {
        Kind = kind;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        _parameters = parameters;
        bool adam = kind == OptimizerKind.Adam;
        using var scope = NewDisposeScope();
        _m = adam ? parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray() : [];
        _v = adam ? parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray() : [];
    }

    public OptimizerKind Kind { get; }
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
        Steps++;
        var (rate, sqrtBc2) = OptimizerUpdate.Rates(Kind, LearningRate, Steps, rateScale);
        var device = _parameters[0].device;
        var rateT = torch.tensor((float)rate, device: device);
        var sqrtBc2T = torch.tensor((float)sqrtBc2, device: device);
        for (int i = 0; i < _parameters.Count; i++)
        {
            var g = _parameters[i].grad;
            if (g is null) continue;
            OptimizerUpdate.Apply(Kind, WeightDecay, _parameters[i], g, Kind == OptimizerKind.Adam ? _m[i] : null, Kind == OptimizerKind.Adam ? _v[i] : null, rateT, sqrtBc2T);
        }
    }

    internal void Write(BinaryWriter w) => WriteState(w, Steps, _m, _v);

    /// <summary>Step count, then the moment pairs (none for SGD): the optimizer part of a learner snapshot.</summary>
    internal static void WriteState(BinaryWriter w, long steps, IReadOnlyList<Tensor> m, IReadOnlyList<Tensor> v)
    {
        w.Write(steps);
        w.Write(m.Count);
        for (int i = 0; i < m.Count; i++) { TensorIO.Write(w, m[i]); TensorIO.Write(w, v[i]); }
    }

    internal void Read(BinaryReader r) => Steps = ReadState(r, _m, _v);

    /// <summary>Reads <see cref="WriteState"/> into the given moment tensors; returns the step count.</summary>
    internal static long ReadState(BinaryReader r, IReadOnlyList<Tensor> m, IReadOnlyList<Tensor> v)
    {
        long steps = r.ReadInt64();
        int n = r.ReadInt32();
        if (n != m.Count) throw new InvalidDataException($"snapshot has {n} optimizer moment pairs, the model needs {m.Count}");
        for (int i = 0; i < n; i++) { TensorIO.ReadInto(r, m[i]); TensorIO.ReadInto(r, v[i]); }
        return steps;
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
