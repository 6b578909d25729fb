namespace StreamLabel.Learning;

/// <summary>
/// A teacher for distillation: a (usually larger) <see cref="OnlineLearner"/> trained on the same stream, which also
/// replays <see cref="ReplayBatches"/> random batches from a bounded <see cref="ReplayBuffer"/> after each new batch,
/// so it sees every sample several times. Its own training is not label-smoothed by default (Müller et al. 2019:
/// smoothed teachers distill worse). It hands students <see cref="DistillationBatch"/>es of buffered rows with its
/// soft targets at temperature T.
/// </summary>
public sealed class ReplayTeacher : IDisposable
{
    private const int Magic = 0x31545253; // "SRT1"

    public ReplayTeacher(LearnerSpec spec, int bufferCapacity = 2000, int replayBatches = 2)
    {
        if (replayBatches < 0) throw new ArgumentOutOfRangeException(nameof(replayBatches), replayBatches, "must be >= 0");
        Learner = new OnlineLearner(spec);
        Buffer = new ReplayBuffer(bufferCapacity, spec.FeatureCount, spec.Seed);
        ReplayBatches = replayBatches;
    }

    private ReplayTeacher(OnlineLearner learner, ReplayBuffer buffer, int replayBatches)
    {
        Learner = learner; Buffer = buffer; ReplayBatches = replayBatches;
    }

    /// <summary>A teacher spec from a student spec: wider hidden layers [64, 64], no smoothing (self-correction as the student).</summary>
    public static LearnerSpec DefaultSpecFor(LearnerSpec student) => student with
    {
        HiddenLayers = [64, 64],
        Smoothing = 0,
        SelfCorrection = student.SelfCorrection,
        Seed = student.Seed + 7919,
    };

    public OnlineLearner Learner { get; }
    public ReplayBuffer Buffer { get; }
    public int ReplayBatches { get; }

    /// <summary>Test-then-train on the batch, buffer it, then learn from <see cref="ReplayBatches"/> random buffered batches of the same size.</summary>
    public PrequentialResult Learn(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels)
    {
        var result = Learner.TestThenTrain(features, rows, labels);
        Buffer.Add(features, rows, labels);
        for (int i = 0; i < ReplayBatches; i++)
        {
            var (f, y) = Buffer.Sample(rows);
            if (y.Length > 0) Learner.Learn(f, y.Length, y);
        }
        return result;
    }

    /// <summary>softmax(logits/T) of the teacher for any rows.</summary>
    public float[] SoftTargets(ReadOnlySpan<float> features, int rows, double temperature) =>
        Learner.SoftTargets(features, rows, temperature);

    /// <summary>Up to <paramref name="rows"/> buffered rows with the teacher's soft targets at T; null while the buffer is empty.</summary>
    public DistillationBatch? SampleDistillationBatch(int rows, double temperature)
    {
        var (f, y) = Buffer.Sample(rows);
        return y.Length == 0 ? null : new DistillationBatch(f, y.Length, SoftTargets(f, y.Length, temperature));
    }

    public byte[] Snapshot()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(Magic); w.Write(ReplayBatches);
            var learner = Learner.Snapshot();
            w.Write(learner.Length); w.Write(learner);
            Buffer.Write(w);
        }
        return ms.ToArray();
    }

    public static ReplayTeacher Restore(byte[] snapshot, string device = "auto")
    {
        using var r = new BinaryReader(new MemoryStream(snapshot));
        if (snapshot.Length < 8 || r.ReadInt32() != Magic) throw new InvalidDataException("not a ReplayTeacher snapshot (bad magic)");
        int replay = r.ReadInt32();
        var learner = OnlineLearner.Restore(r.ReadBytes(r.ReadInt32()), device);
        try { return new ReplayTeacher(learner, ReplayBuffer.Read(r), replay); }
        catch { learner.Dispose(); throw; }
    }

    public void Dispose() => Learner.Dispose();
}
