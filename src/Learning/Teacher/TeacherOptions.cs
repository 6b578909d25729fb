namespace StreamLabel.Learning.Teacher;

/// <summary>
/// Shape of an <see cref="EnsembleTeacher"/>. Defaults are the ones the quality bench measured; <see cref="Validate"/>
/// throws an <see cref="ArgumentException"/> naming the bad field.
/// </summary>
public sealed record TeacherOptions
{
    /// <summary>Ensemble members (default 6, at most <see cref="MaxMembers"/>), stepped together in one model bank step.</summary>
    public int Members { get; init; } = 6;

    /// <summary>Hidden layers of each member (default [64, 64]).</summary>
    public int[] HiddenLayers { get; init; } = [64, 64];

    /// <summary>Adam learning rate of the members (default 0.002): lower than a student's, since they see each row many times.</summary>
    public double LearningRate { get; init; } = 0.002;

    /// <summary>Rows of the sliding window the members replay from (default 20,000, at most <see cref="MaxWindowRows"/>).</summary>
    public int WindowRows { get; init; } = 20_000;

    /// <summary>Replayed rows per member per step (default 64), drawn with replacement: a bootstrap sample per member.</summary>
    public int ReplayRows { get; init; } = 64;

    /// <summary>Bank steps per incoming batch (default 2; the first also learns the incoming rows).</summary>
    public int StepsPerBatch { get; init; } = 2;

    /// <summary>Rows the window keeps when the teacher's own drift detector fires (default 1,000).</summary>
    public int KeepOnDrift { get; init; } = 1_000;

    /// <summary>"adwin", "page-hinkley" or "none": the detector on the ensemble's errors against incoming labels (default adwin).</summary>
    public string DriftDetector { get; init; } = "adwin";

    /// <summary>Re-estimate the noise transition matrix every this many labeled rows (default 2,000; 0 = never: identity).</summary>
    public int NoiseEstimateEvery { get; init; } = 2_000;

    /// <summary>Window rows (with the teacher's targets made now) added to each distillation batch of fresh rows (default 32).</summary>
    public int DistillWindowRows { get; init; } = 32;

    /// <summary>
    /// Member m replays the newest WindowRows/2^m rows (default true): members of different memories, so that the
    /// ensemble holds both a slow, stable view and a fast one on a drifting stream.
    /// </summary>
    public bool SpreadWindows { get; init; } = true;

    /// <summary>
    /// Members are weighted by exp(β·(a_m − max a)), a_m = each one's recent prequential accuracy on incoming labels
    /// (an honest ranking under class-conditional noise); default β = 200, 0 = plain mean.
    /// </summary>
    public double SelectionSharpness { get; init; } = 200;

    /// <summary>Seed of the members' weights and of the window's sampling (default 1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Most members: 64. Checkpoint files are read through <see cref="Validate"/>, so these bound what a file can make a silo allocate.</summary>
    public const int MaxMembers = 64;

    /// <summary>Most window rows: 1,000,000 (the window holds its rows' features and labels).</summary>
    public const int MaxWindowRows = 1_000_000;

    public TeacherOptions Validate()
    {
        if (Members is < 1 or > MaxMembers) throw new ArgumentException($"TeacherOptions.Members must be between 1 and {MaxMembers} (got {Members})", nameof(Members));
        if (HiddenLayers is null || HiddenLayers.Any(w => w < 1)) throw new ArgumentException("TeacherOptions.HiddenLayers must hold widths >= 1", nameof(HiddenLayers));
        if (HiddenLayers.Length > SpecLimits.MaxHiddenLayers || HiddenLayers.Any(w => w > SpecLimits.MaxHiddenWidth))
            throw new ArgumentException($"TeacherOptions.HiddenLayers must hold at most {SpecLimits.MaxHiddenLayers} widths of at most {SpecLimits.MaxHiddenWidth} (got {string.Join(",", HiddenLayers)})", nameof(HiddenLayers));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"TeacherOptions.LearningRate must be > 0 (got {LearningRate})", nameof(LearningRate));
        if (WindowRows is < 1 or > MaxWindowRows) throw new ArgumentException($"TeacherOptions.WindowRows must be between 1 and {MaxWindowRows} (got {WindowRows})", nameof(WindowRows));
        if (ReplayRows < 0) throw new ArgumentException($"TeacherOptions.ReplayRows must be >= 0 (got {ReplayRows})", nameof(ReplayRows));
        if (StepsPerBatch < 1) throw new ArgumentException($"TeacherOptions.StepsPerBatch must be >= 1 (got {StepsPerBatch})", nameof(StepsPerBatch));
        if (KeepOnDrift < 0) throw new ArgumentException($"TeacherOptions.KeepOnDrift must be >= 0 (got {KeepOnDrift})", nameof(KeepOnDrift));
        if (NoiseEstimateEvery < 0) throw new ArgumentException($"TeacherOptions.NoiseEstimateEvery must be >= 0 (got {NoiseEstimateEvery})", nameof(NoiseEstimateEvery));
        if (DistillWindowRows < 0) throw new ArgumentException($"TeacherOptions.DistillWindowRows must be >= 0 (got {DistillWindowRows})", nameof(DistillWindowRows));
        if (!(SelectionSharpness >= 0) || double.IsInfinity(SelectionSharpness)) throw new ArgumentException($"TeacherOptions.SelectionSharpness must be >= 0 (got {SelectionSharpness})", nameof(SelectionSharpness));
        SpecNames.Parse<DriftDetectorKind>(DriftDetector, "TeacherOptions.DriftDetector"); // throws naming the bad detector
        return this;
    }
}
