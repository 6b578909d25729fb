using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Model;

/// <summary>
/// An MLP (ReLU hidden layers; none = logistic regression) with online feature standardization and its own optimizer.
/// Parameters are initialized like PyTorch's nn.Linear (U(±1/√fan_in)) from a seeded <see cref="SplitMix64"/>, so
/// two classifiers in one process never share random state. All state (weights, optimizer, standardizer, version)
/// snapshots to bytes and restores bit-exact.
/// </summary>
public sealed class OnlineClassifier : IDisposable
{
    private readonly List<Tensor> _parameters = [];
    private readonly OnlineOptimizer _optimizer;

    public OnlineClassifier(int featureCount, int classCount, int[] hiddenLayers, OptimizerKind optimizer, double learningRate,
        double weightDecay = 0, int seed = 1, string device = "auto")
    {
        if (featureCount <= 0) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be > 0");
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "must be >= 2");
        if (!Enum.IsDefined(optimizer)) throw new ArgumentException($"optimizer '{optimizer}' is not one of: adam, sgd", nameof(optimizer));
        FeatureCount = featureCount;
        ClassCount = classCount;
        HiddenLayers = hiddenLayers.ToArray();
        Device = TorchDevice.Resolve(device, out var used);
        DeviceName = used;
        Standardizer = new FeatureStandardizer(featureCount);

        foreach (var (shape, values) in InitialParameters(featureCount, classCount, HiddenLayers, seed))
        {
            using var scope = NewDisposeScope();
            _parameters.Add(tensor(values, shape).to(Device).requires_grad_(true).DetachFromDisposeScope());
        }
        _optimizer = new OnlineOptimizer(optimizer, _parameters, learningRate, weightDecay);
    }

    public int FeatureCount { get; }
    public int ClassCount { get; }
    public IReadOnlyList<int> HiddenLayers { get; }
    public FeatureStandardizer Standardizer { get; }

    /// <summary>The device the tensors live on.</summary>
    public torch.Device Device { get; }

    /// <summary>"cuda" or "cpu": what is actually used.</summary>
    public string DeviceName { get; }

    /// <summary>Number of learning steps applied: the model version.</summary>
    public long Version => _optimizer.Steps;

    /// <summary>Class probabilities [rows × K] row-major, without learning (no statistics updated).</summary>
    public float[] Predict(ReadOnlySpan<float> features, int rows)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var probs = nn.functional.softmax(Forward(Input(features, rows)), 1);
        return ToArray(probs);
    }

    /// <summary>
    /// One step on per-sample soft targets [rows × K] and weights [rows] (null = 1): loss = mean(w_i·CE(target_i)).
    /// Folds the features into the standardizer first. Returns the loss before the step.
    /// </summary>
    public double Learn(ReadOnlySpan<float> features, int rows, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights = default)
    {
        if (targets.Length != rows * ClassCount) throw new ArgumentException($"targets has {targets.Length} values, expected rows×K = {rows * ClassCount}", nameof(targets));
        if (!weights.IsEmpty && weights.Length != rows) throw new ArgumentException($"weights has {weights.Length} values, expected {rows}", nameof(weights));
        Standardizer.Update(features, rows);
        using var scope = NewDisposeScope();
        var logits = Forward(Input(features, rows));
        var t = HostTensors.Of(targets, [rows, ClassCount], Device);
        var perSample = Regularization.SoftTargetLoss.PerSample(logits, t);
        var loss = weights.IsEmpty ? perSample.mean() : perSample.mul(HostTensors.Of(weights, Device)).mean();
        double value = loss.ToDouble();
        Step(loss);
        return value;
    }

    /// <summary>Standardized input tensor on the device (statistics as they are now).</summary>
    internal Tensor Input(ReadOnlySpan<float> features, int rows)
    {
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be > 0");
        if (features.Length != rows * FeatureCount)
            throw new ArgumentException($"features has {features.Length} values, expected rows×features = {rows}×{FeatureCount}", nameof(features));
        // Standardized into a pooled array and copied into the tensor (torch.tensor(array) would clone it once more).
        var x = System.Buffers.ArrayPool<float>.Shared.Rent(features.Length);
        try
        {
            Standardizer.Transform(features, rows, x.AsSpan(0, features.Length));
            return HostTensors.Of(x.AsSpan(0, features.Length), [rows, FeatureCount], Device);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(x);
        }
    }

    /// <summary>Logits for standardized input.</summary>
    internal Tensor Forward(Tensor x)
    {
        for (int i = 0; i < _parameters.Count; i += 2)
        {
            x = nn.functional.linear(x, _parameters[i], _parameters[i + 1]);
            if (i + 2 < _parameters.Count) x = nn.functional.relu(x);
        }
        return x;
    }

    /// <summary>Copies the hidden layers' weights of a classifier of the same shape (the output layer stays as it is).</summary>
    internal void CopyHiddenLayersFrom(OnlineClassifier other)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count - 2; i++) _parameters[i].copy_(other._parameters[i]);
    }

    /// <summary>Backward + optimizer step on a scalar loss.</summary>
    internal void Step(Tensor loss, double rateScale = 1)
    {
        _optimizer.ZeroGrad();
        loss.backward();
        _optimizer.Step(rateScale);
        _optimizer.ZeroGrad(); // released now, not at the next step: an idle model keeps no gradients
    }

    /// <summary>Backward of a given gradient of the logits that <see cref="Forward"/> returned + optimizer step.</summary>
    internal void Step(Tensor logits, Tensor gradient, double rateScale = 1)
    {
        _optimizer.ZeroGrad();
        logits.backward([gradient]);
        _optimizer.Step(rateScale);
        _optimizer.ZeroGrad();
    }

    internal static float[] ToArray(Tensor t) => t.cpu().contiguous().data<float>().ToArray();

    internal static double[] ToDoubles(Tensor t) => t.cpu().contiguous().data<double>().ToArray();

    internal void Write(BinaryWriter w) => WriteState(w, _parameters, _optimizer.Write, Standardizer);

    internal void Read(BinaryReader r) => ReadState(r, _parameters, _optimizer.Read, Standardizer);

    /// <summary>Parameters, optimizer, standardizer: the model part of a learner snapshot (also a bank slot's).</summary>
    internal static void WriteState(BinaryWriter w, IReadOnlyList<Tensor> parameters, Action<BinaryWriter> writeOptimizer, FeatureStandardizer standardizer)
    {
        w.Write(parameters.Count);
        foreach (var p in parameters) TensorIO.Write(w, p);
        writeOptimizer(w);
        standardizer.Write(w);
    }

    internal static void ReadState(BinaryReader r, IReadOnlyList<Tensor> parameters, Action<BinaryReader> readOptimizer, FeatureStandardizer standardizer)
    {
        int n = r.ReadInt32();
        if (n != parameters.Count) throw new InvalidDataException($"snapshot has {n} parameter tensors, the model needs {parameters.Count}");
        foreach (var p in parameters) TensorIO.ReadInto(r, p);
        readOptimizer(r);
        standardizer.Read(r);
    }

    /// <summary>
    /// The initial parameters [W0, b0, W1, b1, …] (W: out × in, row-major) of a seed, like PyTorch's nn.Linear
    /// (U(±1/√fan_in)), from one <see cref="SplitMix64"/>: a bank slot of the same seed starts from the same values.
    /// </summary>
    internal static IEnumerable<(long[] Shape, float[] Values)> InitialParameters(int featureCount, int classCount, IReadOnlyList<int> hiddenLayers, int seed)
    {
        var rng = new SplitMix64((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 1);
        int fanIn = featureCount;
        foreach (int width in hiddenLayers.Append(classCount))
        {
            double bound = 1.0 / Math.Sqrt(fanIn);
            yield return ([width, fanIn], Uniform(ref rng, width * fanIn, bound));
            yield return ([width], Uniform(ref rng, width, bound));
            fanIn = width;
        }
    }

    private static float[] Uniform(ref SplitMix64 rng, int count, double bound)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (float)((rng.NextDouble() * 2 - 1) * bound);
        return values;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        foreach (var p in _parameters) p.Dispose();
    }
}
