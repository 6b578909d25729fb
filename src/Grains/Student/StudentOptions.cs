namespace StreamLabel.Grains.Student;

/// <summary>
/// Configuration section "Student". A micro-batch is what the Kafka provider delivers for one key per poll
/// (bounded by Kafka:MaxBatchRecords, delayed at most Kafka:PollInterval), cut into steps of <see cref="MaxBatchSize"/>.
/// </summary>
public sealed class StudentOptions
{
    public const string Section = "Student";

    /// <summary>libtorch intra-op threads for the whole process (torch.set_num_threads), applied at silo start; 0 = libtorch's
    /// default (one per core). Default 1: students step concurrently on Orleans' threads, so per-op parallelism only contends.</summary>
    public int TorchThreads { get; set; } = 1;
    /// <summary>A student that received nothing for this long is deactivated (its model and offsets persisted first), so
    /// idle keys cost storage, not silo memory; the next event restores it. Orleans' own default is 2 h. Default 10 min.</summary>
    public TimeSpan IdleDeactivateAfter { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Students of the same model shape on a silo learn in one batched step (the learning core's model bank:
    /// stacked weights, one step for every student with events waiting) instead of one step each; results per student are
    /// those of its own learner up to float rounding. The step's fixed cost is shared, so this is what makes many small
    /// models fast. false = one learner per student. Specs the bank does not take (lagged labels, drift challenger) always
    /// get their own learner. Default true.</summary>
    public bool ModelBank { get; set; } = true;
    /// <summary>Model bank worker threads on this silo; each has its own banks and a student stays on the one it was
    /// given (the least loaded). A bank step costs about the same for 2 or 16 students, so one worker caps the silo's
    /// learning rate; more workers lift that cap where cores are free. 0 = one per four cores, at least one (1 on a
    /// 2-core machine). Default 0.</summary>
    public int BankWorkers { get; set; }
    /// <summary>Largest test-then-train step, in events. Default 32: the learning core's quality numbers are for batches
    /// of 32; larger steps trade accuracy (fewer updates) for throughput.</summary>
    public int MaxBatchSize { get; set; } = 32;
    /// <summary>Step size while catching up: when one delivery holds more than <see cref="BacklogSteps"/> steps of
    /// <see cref="MaxBatchSize"/> (the student is behind its partition), it is learned in steps of this size, so a backlog
    /// costs fewer, larger steps (a step's fixed cost dominates small models: 256 gives several times the events/s) at the
    /// price of fewer updates, i.e. lower accuracy on the backlog (Elec2 replay: 0.750 vs 0.792 with 256). 0 = off (every
    /// step at most MaxBatchSize). Default 0.</summary>
    public int MaxBacklogBatchSize { get; set; }
    /// <summary>A delivery of more than this many normal steps counts as a backlog (see <see cref="MaxBacklogBatchSize"/>). Default 8.</summary>
    public int BacklogSteps { get; set; } = 8;
    /// <summary>Persist model + applied offsets after this many events since the last write. Default 2000.</summary>
    public int PersistEveryEvents { get; set; } = 2000;
    /// <summary>Persist at least this often while something is undurable (keeps Kafka commits moving). Default 2 s.</summary>
    public TimeSpan PersistInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Pull soft targets from the teacher this often. Default 2 s.</summary>
    public TimeSpan TeacherPullInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>... or after this many events, whichever comes first. Default 1000.</summary>
    public int TeacherPullEveryEvents { get; set; } = 1000;
    /// <summary>Recent labeled feature vectors kept for distillation and sent per pull (bounded). Default 256.</summary>
    public int DistillationBufferRows { get; set; } = 256;
    /// <summary>Rows of the teacher-labeled buffer replayed with each step. Default 32.</summary>
    public int DistillationRowsPerStep { get; set; } = 32;
    /// <summary>Labeled samples forwarded to the teacher per pull, at most. Default 256.</summary>
    public int ForwardRowsPerPull { get; set; } = 256;
    /// <summary>A teacher call slower than this is abandoned (learning never waits for it). Default 2 s.</summary>
    public TimeSpan TeacherTimeout { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>A new model of a key whose spec names a teacher group first learns this many rows from its warm teacher
    /// (rows the teacher learned from the group's other keys, labeled with its own prediction), in steps of
    /// <see cref="MaxBatchSize"/>, before its first event, so a key that joins late starts from what its group knows.
    /// Skipped (cold start) when the teacher is not warm, keeps no rows (Teacher:Kind=replay) or does not answer
    /// within <see cref="TeacherTimeout"/>. 0 = off. Default 3200 (100 steps of 32).</summary>
    public int WarmStartRows { get; set; } = 3200;
    /// <summary>Soft targets older than this are stale: distillation pauses until fresh ones arrive. Default 30 s.</summary>
    public TimeSpan TeacherStaleAfter { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How much of the teacher's soft targets a student takes: "advantage" (default: by the weight the teacher
    /// earns from its measured advantage over this student, 0 until it proves better) or "always" (full weight: for a
    /// teacher known to be stronger, e.g. loaded from a checkpoint).</summary>
    public string TeacherGate { get; set; } = "advantage";
    /// <summary>Topic for predictions of unlabeled events. Default "streamlabel-predictions".</summary>
    public string PredictionsTopic { get; set; } = "streamlabel-predictions";
    /// <summary>Add a point to the accuracy series every this many labeled events. Default 250.</summary>
    public int SeriesEveryEvents { get; set; } = 250;
    /// <summary>Points kept in the accuracy series. Default 400.</summary>
    public int SeriesPoints { get; set; } = 400;
    /// <summary>Students per silo whose windowed accuracy is a metric series of its own (label `key`); 0 = none.
    /// Bounded because each key is a series a Prometheus server keeps. Default 100.</summary>
    public int KeyMetrics { get; set; } = 100;
    /// <summary>Window of the windowed accuracy, in labeled events. Default 500.</summary>
    public int WindowSize { get; set; } = 500;

    /// <summary>Every problem, each naming its option ("Student:Option rule"); empty when the options are good.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        void Require(bool ok, string name, string rule) { if (!ok) problems.Add($"Student:{name} {rule}"); }
        Require(TorchThreads >= 0, nameof(TorchThreads), "must be >= 0 (0 = libtorch's default)");
        Require(IdleDeactivateAfter >= TimeSpan.FromMinutes(1), nameof(IdleDeactivateAfter), "must be at least 1 minute (Orleans' collection quantum)");
        Require(MaxBatchSize >= 1, nameof(MaxBatchSize), "must be at least 1");
        Require(BankWorkers >= 0, nameof(BankWorkers), "must be >= 0 (0 = one per four cores)");
        Require(MaxBacklogBatchSize == 0 || MaxBacklogBatchSize >= MaxBatchSize, nameof(MaxBacklogBatchSize), "must be 0 (off) or at least Student:MaxBatchSize");
        Require(BacklogSteps >= 1, nameof(BacklogSteps), "must be at least 1");
        Require(PersistEveryEvents >= 1, nameof(PersistEveryEvents), "must be at least 1");
        Require(PersistInterval > TimeSpan.Zero, nameof(PersistInterval), "must be positive");
        Require(TeacherPullInterval > TimeSpan.Zero, nameof(TeacherPullInterval), "must be positive");
        Require(DistillationBufferRows >= 1, nameof(DistillationBufferRows), "must be at least 1");
        Require(TeacherGate is "advantage" or "always", nameof(TeacherGate), $"must be one of: advantage, always (got '{TeacherGate}')");
        Require(DistillationRowsPerStep >= 0, nameof(DistillationRowsPerStep), "must be >= 0");
        Require(TeacherTimeout > TimeSpan.Zero, nameof(TeacherTimeout), "must be positive");
        Require(WarmStartRows is >= 0 and <= 100_000, nameof(WarmStartRows), $"must be in [0, 100000] (got {WarmStartRows})");
        Require(SeriesEveryEvents >= 1 && SeriesPoints >= 1 && WindowSize >= 1, "Series*/WindowSize", "must be at least 1");
        Require(!string.IsNullOrWhiteSpace(PredictionsTopic), nameof(PredictionsTopic), "is required");
        Require(KeyMetrics >= 0, nameof(KeyMetrics), "must be >= 0 (0 = no per-key series)");
        return problems;
    }
}
