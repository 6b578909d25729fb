using StreamLabel.Learning.Model;
using StreamLabel.Learning.Snapshots;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Bank;

/// <summary>
/// A bank of same-shaped students trained together: the weights and each Adam moment are one tensor over slots
/// ([capacity, all parameters], see <see cref="SlotBuffer"/>), so one <see cref="TestThenTrain"/> steps many students
/// with batched matrix products and one optimizer update, and pays TorchSharp's fixed per-call cost once instead of
/// once per student (and per layer). Each slot keeps its own seed, version, optimizer
/// step count, standardizer, drift detector, maturity, metrics and counters, and snapshots to exactly the bytes of
/// <see cref="OnlineLearner.Snapshot"/>. Not thread-safe: use it from one thread (see <see cref="BankScheduler"/>).
/// </summary>
public sealed partial class ModelBank : IDisposable
{
    private readonly byte[] _shapeKey;
    private readonly bool _adam;
    private SlotBuffer _params;
    private SlotBuffer? _m, _v; // Adam's moments; SGD has none
    private readonly List<BankSlot?> _slots = [];
    private readonly PriorityQueue<int, int> _free = new(); // lowest free index first keeps the bank dense
    private bool _disposed;

    /// <param name="template">The tensor-math spec every slot shares (its Seed does not matter).</param>
    /// <param name="initialCapacity">Slots allocated up front; the bank doubles when full.</param>
    public ModelBank(LearnerSpec template, int initialCapacity = 16)
    {
        ArgumentNullException.ThrowIfNull(template);
        template.Validate();
        if (Unsupported(template) is { } reason) throw new NotSupportedException(reason);
        if (initialCapacity < 1) throw new ArgumentOutOfRangeException(nameof(initialCapacity), initialCapacity, "must be >= 1");
        Template = template;
        DeviceType = TorchDevice.Resolve(template.Device, out var used);
        Device = used;
        _shapeKey = ShapeKey(template);
        _adam = template.Optimizer == OptimizerKind.Adam;
        var sizes = template.HiddenLayers.Prepend(template.FeatureCount).Append(template.ClassCount).ToArray();
        // Per parameter [W0, b0, W1, b1, …], without the slot dimension.
        var shapes = Enumerable.Range(0, sizes.Length - 1).SelectMany(l => new[] { new long[] { sizes[l + 1], sizes[l] }, [sizes[l + 1]] }).ToArray();
        _params = new SlotBuffer(shapes, initialCapacity, DeviceType);
        _m = _adam ? new SlotBuffer(shapes, initialCapacity, DeviceType) : null;
        _v = _adam ? new SlotBuffer(shapes, initialCapacity, DeviceType) : null;
        Capacity = initialCapacity;
    }

    /// <summary>The spec the bank was made for (slots differ from it in Seed and the <see cref="PerSlotHyperparameters"/>).</summary>
    public LearnerSpec Template { get; }

    /// <summary>"cuda" or "cpu": where the stacked tensors live.</summary>
    public string Device { get; }

    internal torch.Device DeviceType { get; }

    /// <summary>Slots allocated in the stacked tensors.</summary>
    public int Capacity { get; private set; }

    /// <summary>Live slots.</summary>
    public int Count => _slots.Count - _free.Count;

    public int FeatureCount => Template.FeatureCount;
    public int ClassCount => Template.ClassCount;

    /// <summary>Why a spec cannot live in a bank (its learner needs per-learner logic), or null when it can.</summary>
    public static string? Unsupported(LearnerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.LaggedLabels) return "LearnerSpec.LaggedLabels is not supported in a model bank (use OnlineLearner)";
        if (spec.DriftChallengerEvents > 0) return "LearnerSpec.DriftChallengerEvents > 0 is not supported in a model bank (use OnlineLearner)";
        return null;
    }

    /// <summary>True when a learner of this spec can live in some bank; otherwise callers use <see cref="OnlineLearner"/>.</summary>
    public static bool Supports(LearnerSpec spec) => Unsupported(spec) is null;

    /// <summary>True when <paramref name="spec"/> has this bank's tensor math (same spec apart from Seed, on the same device).</summary>
    public bool Accepts(LearnerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!Supports(spec)) return false;
        TorchDevice.Resolve(spec.Device, out var used);
        return used == Device && ShapeKey(spec).AsSpan().SequenceEqual(_shapeKey);
    }

    /// <summary>
    /// The fields that decide the tensor math, as bytes (the snapshot's spec encoding with Seed and Device blanked):
    /// two specs with equal keys can share a bank. New spec fields join automatically through the serializer.
    /// </summary>
    public static byte[] ShapeKey(LearnerSpec spec)
    {
        var blank = new LearnerSpec();
        var shared = spec with
        {
            Seed = 0, Device = "",
            // Each slot's own: the step reads these from the slot's spec (see Step.SlotSettings, LearnerState).
            LearningRate = blank.LearningRate, Smoothing = blank.Smoothing, SelfCorrection = blank.SelfCorrection,
            DistillationWeight = blank.DistillationWeight, Temperature = blank.Temperature, DriftBoost = blank.DriftBoost,
            DriftDetector = blank.DriftDetector,
        };
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms)) SpecSerializer.Write(w, shared, OnlineLearner.FormatVersion);
        return ms.ToArray();
    }

    /// <summary>
    /// The hyperparameters that are each slot's own (slots that differ in them share a bank and one step): the
    /// regularizers, the learning rate and the drift detector. The others shape the tensors or the optimizer.
    /// </summary>
    public static readonly IReadOnlySet<string> PerSlotHyperparameters = new HashSet<string>
    {
        nameof(LearnerSpec.LearningRate), nameof(LearnerSpec.Smoothing), nameof(LearnerSpec.DistillationWeight),
        nameof(LearnerSpec.Temperature), nameof(LearnerSpec.DriftBoost), nameof(LearnerSpec.DriftDetector),
    };

    /// <summary>The slot's read-only view (spec, version, counters, metrics, maturity, trust).</summary>
    public BankSlot Slot(int slot) => Live(slot, nameof(slot));

    /// <summary>Adds a fresh student: the same initial weights as <c>new OnlineLearner(spec)</c>. Returns its slot.</summary>
    public int Add(LearnerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        CheckAccepts(spec, nameof(spec));
        int index = Allocate();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            int i = 0;
            foreach (var (shape, values) in OnlineClassifier.InitialParameters(spec.FeatureCount, spec.ClassCount, spec.HiddenLayers, spec.Seed))
                _params.Parameters[i++].select(0, index).copy_(tensor(values, shape).to(DeviceType));
            if (_adam) { _m!.Rows.select(0, index).zero_(); _v!.Rows.select(0, index).zero_(); }
        }
        return Occupy(index, spec);
    }

    /// <summary>
    /// Adds a student from <see cref="OnlineLearner.Snapshot"/> (or <see cref="Snapshot"/>) bytes; it continues as the
    /// learner would. Its spec's Device becomes <paramref name="device"/> (default: the template's), as
    /// <see cref="OnlineLearner.Restore"/> does; it must resolve to the bank's device.
    /// </summary>
    public int Restore(byte[] snapshot, string? device = null)
    {
        using var r = Header(snapshot);
        var spec = SpecSerializer.Read(r, OnlineLearner.FormatVersion) with { Device = device ?? Template.Device };
        spec.Validate();
        CheckAccepts(spec, nameof(snapshot));
        int index = Allocate();
        var slot = new BankSlot(index, spec, Device);
        try
        {
            using var scope = NewDisposeScope();
            var parameters = Of(_params, index);
            var m = Of(_m, index);
            var v = Of(_v, index);
            OnlineClassifier.ReadState(r, parameters, rr => slot.Steps = OnlineOptimizer.ReadState(rr, m, v), slot.Standardizer);
            slot.State.Read(r);
            if (r.BaseStream.Position != snapshot.Length) throw new InvalidDataException("snapshot has trailing bytes");
        }
        catch
        {
            _free.Enqueue(index, index);
            throw;
        }
        _slots[index] = slot;
        return index;
    }

    /// <summary>
    /// The spec inside <see cref="OnlineLearner.Snapshot"/> bytes (Device as <paramref name="device"/>), to pick a bank
    /// for them. Throws <see cref="NotSupportedException"/> for learners a bank cannot hold (format 2).
    /// </summary>
    public static LearnerSpec SpecOf(byte[] snapshot, string device = "auto")
    {
        using var r = Header(snapshot);
        return SpecSerializer.Read(r, OnlineLearner.FormatVersion) with { Device = device };
    }

    // A reader positioned at the spec of format-1 snapshot bytes.
    private static BinaryReader Header(byte[] snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var r = new BinaryReader(new MemoryStream(snapshot));
        if (snapshot.Length < 8 || r.ReadInt32() != OnlineLearner.Magic) throw new InvalidDataException("not an OnlineLearner snapshot (bad magic)");
        int format = r.ReadInt32();
        if (format == OnlineLearner.ExtendedFormatVersion)
            throw new NotSupportedException("snapshot format 2 (lagged labels or drift challenger) is not supported in a model bank (use OnlineLearner.Restore)");
        if (format != OnlineLearner.FormatVersion) throw new InvalidDataException($"snapshot format {format} is not supported (expected {OnlineLearner.FormatVersion})");
        return r;
    }

    /// <summary>Everything of one slot, in exactly <see cref="OnlineLearner.Snapshot"/>'s bytes (format 1).</summary>
    public byte[] Snapshot(int slot)
    {
        var s = Live(slot, nameof(slot));
        using var scope = NewDisposeScope();
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(OnlineLearner.Magic); w.Write(OnlineLearner.FormatVersion);
            SpecSerializer.Write(w, s.Spec, OnlineLearner.FormatVersion);
            var parameters = Of(_params, slot);
            var m = Of(_m, slot);
            var v = Of(_v, slot);
            OnlineClassifier.WriteState(w, parameters, ww => OnlineOptimizer.WriteState(ww, s.Steps, m, v), s.Standardizer);
            s.State.Write(w);
        }
        return ms.ToArray();
    }

    /// <summary>Removes a slot; its index is reused by a later <see cref="Add"/> or <see cref="Restore"/>.</summary>
    public void Remove(int slot)
    {
        var s = Live(slot, nameof(slot));
        s.Live = false;
        _slots[slot] = null;
        _free.Enqueue(slot, slot);
    }

    /// <summary>Class probabilities rows × K (row-major) of one slot, without learning (as <see cref="OnlineLearner.PredictProbabilities"/>).</summary>
    public float[] PredictProbabilities(int slot, ReadOnlySpan<float> features, int rows)
    {
        var s = Live(slot, nameof(slot));
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be > 0");
        if (features.Length != rows * FeatureCount)
            throw new ArgumentException($"features has {features.Length} values, expected rows×features = {rows}×{FeatureCount}", nameof(features));
        var x = new float[features.Length];
        s.Standardizer.Transform(features, rows, x);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var h = tensor(x, [rows, FeatureCount]).to(DeviceType);
        var parameters = _params.Parameters;
        for (int i = 0; i < parameters.Length; i += 2)
        {
            h = nn.functional.linear(h, parameters[i].select(0, slot), parameters[i + 1].select(0, slot));
            if (i + 2 < parameters.Length) h = nn.functional.relu(h);
        }
        return OnlineClassifier.ToArray(nn.functional.softmax(h, 1));
    }

    private BankSlot Live(int slot, string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (slot < 0 || slot >= _slots.Count || _slots[slot] is null) throw new ArgumentOutOfRangeException(name, slot, "is not a live slot of this bank");
        return _slots[slot]!;
    }

    private void CheckAccepts(LearnerSpec spec, string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Unsupported(spec) is { } reason) throw new NotSupportedException(reason);
        if (!Accepts(spec)) throw new ArgumentException("the spec differs from the bank's template in more than Seed (or resolves to another device); use a bank of its own shape", name);
    }

    private int Allocate()
    {
        if (_free.TryDequeue(out int index, out _)) return index;
        index = _slots.Count;
        if (index == Capacity) Grow(Capacity * 2);
        _slots.Add(null);
        return index;
    }

    private int Occupy(int index, LearnerSpec spec)
    {
        _slots[index] = new BankSlot(index, spec, Device);
        return index;
    }

    private void Grow(int capacity)
    {
        _params = _params.Grow(capacity);
        _m = _m?.Grow(capacity);
        _v = _v?.Grow(capacity);
        Capacity = capacity;
    }

    // One slot's per-parameter tensors of a buffer (none for SGD's absent moments), as a snapshot reads and writes them.
    private static Tensor[] Of(SlotBuffer? buffer, int slot) => buffer is null ? [] : buffer.Parameters.Select(p => p.select(0, slot)).ToArray();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _params.Dispose();
        _m?.Dispose();
        _v?.Dispose();
        foreach (var s in _slots) if (s is not null) s.Live = false;
    }
}
