using StreamLabel.Learning.Bank;

namespace StreamLabel.Learning.Tuning;

/// <summary>
/// Reward-tuned regularization for one model: every arm of <see cref="TuningOptions.Arms"/> is a shadow learner of the
/// same shape, seed and stream in one <see cref="ModelBank"/>, so K arms cost one batched step, and a
/// <see cref="ServedArmPolicy"/> picks the arm whose predictions are served from their accuracy on the incoming labels.
/// Each arm learns exactly as an <see cref="OnlineLearner"/> with its spec would. Single-threaded, like the learner.
/// </summary>
public sealed class TunedLearner : IDisposable
{
    internal const int Magic = 0x314E5554; // "TUN1"
    private readonly ModelBank _bank;
    private readonly int[] _slots;
    private readonly ServedArmPolicy _policy;

    public TunedLearner(LearnerSpec spec, TuningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Options = (options ?? new TuningOptions()).Validate();
        spec.Validate();
        if (ModelBank.Unsupported(spec) is { } reason) throw new NotSupportedException("tuning: " + reason);
        Spec = spec;
        ArmSpecs = Options.Arms.Select(a => a.Apply(spec)).ToArray();
        _bank = new ModelBank(ArmSpecs[0], ArmSpecs.Count);
        _slots = ArmSpecs.Select(_bank.Add).ToArray();
        _policy = new ServedArmPolicy(Options);
    }

    // Restore: the bank's slots come from the arms' own snapshots.
    private TunedLearner(LearnerSpec spec, TuningOptions options, ModelBank bank, int[] slots)
    {
        Spec = spec; Options = options; _bank = bank; _slots = slots;
        ArmSpecs = slots.Select(s => bank.Slot(s).Spec).ToArray();
        _policy = new ServedArmPolicy(options);
    }

    /// <summary>The model's spec; each arm's is <see cref="ArmSpecs"/>.</summary>
    public LearnerSpec Spec { get; }

    public TuningOptions Options { get; }

    /// <summary>Every arm's learner spec, in arm order.</summary>
    public IReadOnlyList<LearnerSpec> ArmSpecs { get; }

    /// <summary>The arm whose predictions are served now.</summary>
    public int Served => _policy.Served;

    public ServedArmPolicy Policy => _policy;

    /// <summary>The served arm's counters, version and metrics: what the model reports as its own.</summary>
    public BankSlot ServedSlot => _bank.Slot(_slots[Served]);

    /// <summary>An arm's slot (version, counters, metrics, maturity).</summary>
    public BankSlot Arm(int arm) => _bank.Slot(_slots[arm]);

    /// <summary>
    /// Predicts the batch with every live arm before any learns, serves the served arm's predictions, learns the batch
    /// in every live arm (one bank step), then scores the arms on its labels, which may change the served arm for
    /// the next batch. <paramref name="distillFor"/> gives an arm its distillation batch (null: none).
    /// </summary>
    public TunedResult TestThenTrain(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels, Func<int, DistillationBatch?>? distillFor = null)
    {
        int served = Served, n = _slots.Length;
        var steps = new List<BankStep>(n);
        var arms = new List<int>(n);
        for (int a = 0; a < n; a++)
        {
            if (!_policy.IsLive(a)) continue;
            steps.Add(new BankStep(_slots[a], features, rows, labels, distillFor?.Invoke(a)));
            arms.Add(a);
        }
        var results = _bank.TestThenTrain(steps);
        var perArm = new PrequentialResult?[n];
        for (int i = 0; i < arms.Count; i++) perArm[arms[i]] = results[i];

        var y = labels.Span;
        var hit = new bool[]?[n];
        int labeled = 0;
        for (int r = 0; r < rows; r++) if (y[r] >= 0) labeled++;
        for (int a = 0; a < n; a++)
        {
            if (perArm[a] is not { } result) continue;
            var h = hit[a] = new bool[labeled];
            for (int r = 0, j = 0; r < rows; r++) if (y[r] >= 0) h[j++] = result.Predicted[r] == y[r];
        }
        bool switched = _policy.Observe(hit, labeled, perArm[served]!.DriftDetected);
        return new TunedResult(perArm[served]!, served, switched ? Served : null, perArm);
    }

    /// <summary>Every live arm learns the batch without scoring it (<see cref="ModelBank.Learn"/>); the policy is not
    /// told. Returns the served arm's result.</summary>
    public PrequentialResult Learn(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> labels)
    {
        var steps = new List<BankStep>(_slots.Length);
        int served = -1;
        for (int a = 0; a < _slots.Length; a++)
        {
            if (!_policy.IsLive(a)) continue;
            if (a == Served) served = steps.Count;
            steps.Add(new BankStep(_slots[a], features, rows, labels, null));
        }
        return _bank.Learn(steps)[served];
    }

    /// <summary>The served arm's class probabilities rows × K, without learning.</summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> features, int rows) => _bank.PredictProbabilities(_slots[Served], features, rows);

    /// <summary>An arm's class probabilities rows × K, without learning (e.g. its own side of a distillation mix).</summary>
    public float[] PredictProbabilities(int arm, ReadOnlySpan<float> features, int rows) => _bank.PredictProbabilities(_slots[arm], features, rows);

    /// <summary>The arms' learner snapshots (each exactly <see cref="OnlineLearner.Snapshot"/>'s bytes) and the policy's state.</summary>
    public byte[] Snapshot()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(Magic);
            w.Write(_slots.Length);
            for (int a = 0; a < _slots.Length; a++)
            {
                w.Write(Options.Arms[a].Name);
                var bytes = _bank.Snapshot(_slots[a]);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
            _policy.Write(w);
        }
        return ms.ToArray();
    }

    /// <summary>
    /// Rebuilds a tuned learner from <see cref="Snapshot"/> bytes; <paramref name="options"/> must name the same arms
    /// in the same order (an arm set changed by the operator starts a new tuning instead).
    /// </summary>
    public static TunedLearner Restore(byte[] snapshot, LearnerSpec spec, TuningOptions options, string device = "auto")
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        options.Validate();
        using var r = new BinaryReader(new MemoryStream(snapshot));
        if (snapshot.Length < 8 || r.ReadInt32() != Magic) throw new InvalidDataException("not a tuned learner snapshot (bad magic)");
        int n = r.ReadInt32();
        if (n != options.Arms.Count) throw new InvalidDataException($"snapshot has {n} arms, the options {options.Arms.Count}");
        ModelBank? bank = null;
        try
        {
            var slots = new int[n];
            for (int a = 0; a < n; a++)
            {
                string name = r.ReadString();
                if (name != options.Arms[a].Name) throw new InvalidDataException($"snapshot arm {a} is '{name}', the options name '{options.Arms[a].Name}'");
                var bytes = r.ReadBytes(r.ReadInt32());
                bank ??= new ModelBank(ModelBank.SpecOf(bytes, device) with { Device = device }, n);
                slots[a] = bank.Restore(bytes, device);
            }
            var learner = new TunedLearner(spec, options, bank!, slots);
            learner._policy.Read(r);
            if (r.BaseStream.Position != snapshot.Length) throw new InvalidDataException("tuned learner snapshot has trailing bytes");
            return learner;
        }
        catch
        {
            bank?.Dispose();
            throw;
        }
    }

    public void Dispose() => _bank.Dispose();
}

/// <summary>
/// One tuned step: the served arm's result (its predictions were made before learning), the arm that served it, the
/// arm served from the next batch on when this one changed it (else null), and every arm's result (null: paused).
/// </summary>
public sealed record TunedResult(PrequentialResult Served, int ServedArm, int? SwitchedTo, IReadOnlyList<PrequentialResult?> Arms);
