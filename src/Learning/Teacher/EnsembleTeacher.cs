using StreamLabel.Learning.Bank;
using StreamLabel.Learning.Drift;
using StreamLabel.Learning.Snapshots;

namespace StreamLabel.Learning.Teacher;

/// <summary>
/// A teacher that knows more than its students: <see cref="TeacherOptions.Members"/> MLPs that replay bootstrap
/// samples of a long <see cref="SlidingWindow"/> several times per incoming batch (Leveraging-Bagging-style diversity,
/// Bifet et al. 2010), each over its own span of the newest rows, stepped together as slots of one
/// <see cref="ModelBank"/> so a device runs one large step rather than many small ones. Members are weighted by their
/// recent accuracy on incoming labels; the weighted mean estimates the noisy-label posterior; a <see cref="NoiseTransition"/>
/// estimated from anchor points turns it into clean-class probabilities for distillation. Its own drift detector (on the
/// ensemble's errors against incoming labels) cuts the window back to the new concept.
/// </summary>
public sealed class EnsembleTeacher : IDisposable
{
    internal const int Magic = 0x31544E45; // "ENT1"
    internal const int FormatVersion = 1;

    // Rows of the window the noise matrix is estimated on: enough anchors per class, bounded cost.
    private const int EstimateRows = 2000;

    private readonly ModelBank _bank;
    private readonly int[] _slots;
    private readonly SlidingWindow _window;
    private readonly DriftDetector? _detector;
    private long _sinceEstimate;
    // Exponentially weighted prequential accuracy of each member on incoming labels (horizon ~ AccuracyHorizon rows).
    private readonly double[] _memberAccuracy;
    private const double AccuracyHorizon = 1000;

    public EnsembleTeacher(LearnerSpec student, TeacherOptions? options = null)
        : this(options ??= new TeacherOptions(), SpecFor(student, options))
    {
        for (int m = 0; m < _slots.Length; m++) _slots[m] = _bank.Add(MemberSpec with { Seed = Options.Seed + 7919 * (m + 1) });
    }

    // Everything but the members, which the caller adds to the bank: fresh ones (above) or their snapshots (Restore).
    // The bank comes last, so that nothing holds native memory when an earlier part throws.
    private EnsembleTeacher(TeacherOptions options, LearnerSpec memberSpec)
    {
        Options = options.Validate();
        MemberSpec = memberSpec;
        _slots = new int[Options.Members];
        _window = new SlidingWindow(Options.WindowRows, MemberSpec.FeatureCount, Options.Seed);
        _detector = Drift.DriftDetector.Create(SpecNames.Parse<DriftDetectorKind>(Options.DriftDetector, "TeacherOptions.DriftDetector"));
        Noise = new NoiseTransition(MemberSpec.ClassCount);
        _memberAccuracy = new double[Options.Members];
        _bank = new ModelBank(MemberSpec, Options.Members);
    }

    /// <summary>Each member's weight in the ensemble now (sums to 1).</summary>
    public double[] MemberWeights
    {
        get
        {
            double best = _memberAccuracy.Max();
            var w = _memberAccuracy.Select(a => Math.Exp(Options.SelectionSharpness * (a - best))).ToArray();
            double total = w.Sum();
            return w.Select(x => x / total).ToArray();
        }
    }

    /// <summary>Rows member <paramref name="member"/> replays from: the newest WindowRows/2^m with spread windows.</summary>
    public int MemberWindow(int member) => Options.SpreadWindows ? Math.Max(1, Options.WindowRows >> Math.Min(member, 30)) : Options.WindowRows;

    public TeacherOptions Options { get; }

    /// <summary>The spec every member is built from (seeds differ): plain cross-entropy, no detector of its own.</summary>
    public LearnerSpec MemberSpec { get; }

    public int FeatureCount => MemberSpec.FeatureCount;
    public int ClassCount => MemberSpec.ClassCount;

    /// <summary>"cpu" or "cuda": where the members live.</summary>
    public string Device => _bank.Device;

    public NoiseTransition Noise { get; }

    /// <summary>Rows in the replay window now.</summary>
    public int WindowCount => _window.Count;

    /// <summary>Labeled rows scored so far, and how many the ensemble predicted right (against the given labels).</summary>
    public long Labeled { get; private set; }
    public long Correct { get; private set; }
    public long DriftsDetected { get; private set; }

    /// <summary>The members' spec from a student's: the student's features and classes, the teacher's model and rate.</summary>
    public static LearnerSpec SpecFor(LearnerSpec student, TeacherOptions options)
    {
        ArgumentNullException.ThrowIfNull(student);
        options.Validate(); // names a bad option before it is used here
        return new LearnerSpec
        {
            FeatureCount = student.FeatureCount, ClassCount = student.ClassCount, HiddenLayers = options.HiddenLayers.ToArray(),
            Optimizer = OptimizerKind.Adam, LearningRate = options.LearningRate, WeightDecay = student.WeightDecay, Smoothing = 0,
            SelfCorrection = student.SelfCorrection with { Enabled = false }, DriftDetector = DriftDetectorKind.None, DriftBoost = 1,
            DistillationWeight = student.DistillationWeight, Temperature = student.Temperature, Seed = options.Seed, Device = student.Device,
        }.Validate();
    }

    /// <summary>Mean member probabilities (of the noisy labels), rows × K, without learning.</summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> features, int rows)
    {
        var mean = new float[rows * ClassCount];
        var weights = MemberWeights;
        for (int s = 0; s < _slots.Length; s++)
        {
            var p = _bank.PredictProbabilities(_slots[s], features, rows);
            for (int i = 0; i < mean.Length; i++) mean[i] += (float)(p[i] * weights[s]);
        }
        return mean;
    }

    /// <summary>
    /// Predicts the batch (rows × F; label -1 = none) with every member before learning it, scores the ensemble on the
    /// labels, then learns: the first bank step holds the batch and a bootstrap sample of the window per member, the
    /// other <see cref="TeacherOptions.StepsPerBatch"/> − 1 steps replay the window only.
    /// </summary>
    public TeacherStep TestThenTrain(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels)
    {
        int f = FeatureCount, k = ClassCount, m = _slots.Length;
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be > 0");
        if (features.Length != rows * f) throw new ArgumentException($"features has {features.Length} values, expected rows×features = {rows}×{f}", nameof(features));
        if (labels.Length != rows) throw new ArgumentException($"labels has {labels.Length} values, expected {rows}", nameof(labels));
        for (int r = 0; r < rows; r++)
            if (labels[r] < -1 || labels[r] >= k) throw new ArgumentException($"labels[{r}] = {labels[r]} is not -1 or a class in 0..{k - 1}", nameof(labels));

        var results = _bank.TestThenTrain(Steps(features, rows, labels));
        var probabilities = new float[rows * k];
        var memberPredicted = new int[m][];
        var weights = MemberWeights;
        for (int s = 0; s < m; s++)
        {
            var p = results[s].Probabilities;
            for (int i = 0; i < probabilities.Length; i++) probabilities[i] += (float)(p[i] * weights[s]);
            memberPredicted[s] = results[s].Predicted.AsSpan(0, rows).ToArray();
            for (int r = 0; r < rows; r++)
                if (labels[r] >= 0) _memberAccuracy[s] += ((memberPredicted[s][r] == labels[r] ? 1 : 0) - _memberAccuracy[s]) / AccuracyHorizon;
        }
        var predicted = new int[rows];
        bool drift = false;
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (probabilities[r * k + c] > probabilities[r * k + best]) best = c;
            predicted[r] = best;
            if (labels[r] < 0) continue;
            Labeled++;
            if (best == labels[r]) Correct++;
            drift |= _detector?.Update(best == labels[r] ? 0 : 1) ?? false;
        }
        if (drift)
        {
            DriftsDetected++;
            _window.CutBack(Options.KeepOnDrift);
        }
        _window.Add(features, rows, labels);
        for (int step = 1; step < Options.StepsPerBatch && _window.Count > 0 && Options.ReplayRows > 0; step++)
            _bank.TestThenTrain(Steps(default, 0, default));

        int labeled = 0;
        foreach (var y in labels) if (y >= 0) labeled++;
        _sinceEstimate += labeled;
        if (Options.NoiseEstimateEvery > 0 && _sinceEstimate >= Options.NoiseEstimateEvery && _window.Count > 0)
        {
            _sinceEstimate = 0;
            int n = Math.Min(EstimateRows, _window.Count);
            var x = new float[n * f];
            _window.Sample(n, x, new int[n]);
            Noise.Estimate(PredictProbabilities(x, n), n);
        }
        return new TeacherStep(probabilities, Noise.Clean(probabilities, rows), predicted, memberPredicted, drift);
    }

    /// <summary>
    /// <paramref name="rows"/> rows drawn from the window (rows × F) with the ensemble's clean-class probabilities for
    /// them now: extra rows on which a student can learn the teacher's function; null while the window is empty.
    /// </summary>
    public (float[] Features, float[] CleanProbabilities)? SampleWindow(int rows)
    {
        if (rows <= 0 || _window.Count == 0) return null;
        var x = new float[rows * FeatureCount];
        _window.Sample(rows, x, new int[rows]);
        return (x, Noise.Clean(PredictProbabilities(x, rows), rows));
    }

    /// <summary>
    /// <paramref name="rows"/> window rows (rows × F) labeled with the ensemble's clean-class argmax now: extra learning
    /// steps for a student, whose own steps are limited to one per incoming batch; null while the window is empty.
    /// </summary>
    public (float[] Features, int[] Labels)? PseudoLabeled(int rows)
    {
        if (SampleWindow(rows) is not { } sample) return null;
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int c = 1; c < ClassCount; c++) if (sample.CleanProbabilities[r * ClassCount + c] > sample.CleanProbabilities[r * ClassCount + best]) best = c;
            labels[r] = best;
        }
        return (sample.Features, labels);
    }

    // One entry per member: the given rows (if any) followed by its own bootstrap sample of the window.
    private BankStep[] Steps(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels)
    {
        int f = FeatureCount, replay = _window.Count > 0 ? Options.ReplayRows : 0;
        var steps = new BankStep[_slots.Length];
        for (int s = 0; s < _slots.Length; s++)
        {
            var x = new float[(rows + replay) * f];
            var y = new int[rows + replay];
            features.CopyTo(x);
            labels.CopyTo(y);
            if (replay > 0) _window.Sample(replay, x.AsSpan(rows * f), y.AsSpan(rows), MemberWindow(s));
            steps[s] = new BankStep(_slots[s], x, rows + replay, y);
        }
        return steps;
    }

    /// <summary>
    /// Everything needed to resume bit-exact: the options, the member spec, each member's bank slot (exactly
    /// <see cref="OnlineLearner.Snapshot"/>'s bytes) and accuracy, the window with its generator, the detector, the
    /// noise estimate and the counters.
    /// </summary>
    public byte[] Snapshot()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(Magic); w.Write(FormatVersion);
            TeacherOptionsSerializer.Write(w, Options);
            SpecSerializer.Write(w, MemberSpec, OnlineLearner.ExtendedFormatVersion); // the format that holds every spec field
            for (int s = 0; s < _slots.Length; s++)
            {
                var member = _bank.Snapshot(_slots[s]);
                w.Write(member.Length); w.Write(member);
                w.Write(_memberAccuracy[s]);
            }
            _window.Write(w);
            w.Write(_detector is not null);
            _detector?.Write(w);
            Noise.Write(w);
            w.Write(Labeled); w.Write(Correct); w.Write(DriftsDetected); w.Write(_sinceEstimate);
        }
        return ms.ToArray();
    }

    /// <summary>
    /// Rebuilds a teacher from <see cref="Snapshot"/> bytes with its members on <paramref name="device"/> ("auto",
    /// "cuda", "cpu"); it continues exactly as the original would. Damaged bytes throw an <see cref="InvalidDataException"/>.
    /// </summary>
    public static EnsembleTeacher Restore(byte[] snapshot, string device = "auto")
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // Checked first, so that every ArgumentException below comes from the bytes.
        if (device is not ("auto" or "cuda" or "cpu")) throw new ArgumentException($"device must be one of: auto, cuda, cpu (got '{device}')", nameof(device));
        using var r = new BinaryReader(new MemoryStream(snapshot));
        EnsembleTeacher? teacher = null;
        try
        {
            if (snapshot.Length < 8 || r.ReadInt32() != Magic) throw new InvalidDataException("not an ensemble teacher snapshot (bad magic)");
            int version = r.ReadInt32();
            if (version != FormatVersion) throw new InvalidDataException($"ensemble teacher snapshot format {version} is not supported (expected {FormatVersion})");
            var options = TeacherOptionsSerializer.Read(r).Validate();
            var memberSpec = SpecSerializer.Read(r, OnlineLearner.ExtendedFormatVersion).Validate() with { Device = device };
            teacher = new EnsembleTeacher(options, memberSpec);
            for (int s = 0; s < teacher._slots.Length; s++)
            {
                int length = r.ReadInt32();
                if (length < 0 || length > snapshot.Length - r.BaseStream.Position) throw new EndOfStreamException($"member {s} needs {length} bytes");
                teacher._slots[s] = teacher._bank.Restore(r.ReadBytes(length), device);
                teacher._memberAccuracy[s] = r.ReadDouble();
            }
            teacher._window.Read(r);
            if (r.ReadBoolean() != (teacher._detector is not null)) throw new InvalidDataException("ensemble teacher snapshot's drift detector does not match its options");
            teacher._detector?.Read(r);
            teacher.Noise.Read(r);
            teacher.Labeled = r.ReadInt64(); teacher.Correct = r.ReadInt64(); teacher.DriftsDetected = r.ReadInt64(); teacher._sinceEstimate = r.ReadInt64();
            if (r.BaseStream.Position != snapshot.Length) throw new InvalidDataException("ensemble teacher snapshot has trailing bytes");
            return teacher;
        }
        catch (Exception e)
        {
            teacher?.Dispose();
            if (e is EndOfStreamException) throw new InvalidDataException($"ensemble teacher snapshot is truncated ({e.Message})", e);
            if (e is ArgumentException) throw new InvalidDataException($"ensemble teacher snapshot holds an invalid value: {e.Message}", e);
            throw;
        }
    }

    public void Dispose() => _bank.Dispose();
}

/// <summary>
/// What an <see cref="EnsembleTeacher"/> made of a batch before learning it: the ensemble's noisy-label probabilities
/// and their noise-corrected (clean-class) version, rows × K; its classes; each member's classes; whether its detector fired.
/// </summary>
public sealed record TeacherStep(float[] Probabilities, float[] CleanProbabilities, int[] Predicted, int[][] MemberPredicted, bool DriftDetected);
