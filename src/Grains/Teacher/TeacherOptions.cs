namespace StreamLabel.Grains.Teacher;

/// <summary>Configuration section "Teacher".</summary>
public sealed class TeacherOptions
{
    public const string Section = "Teacher";

    /// <summary>"ensemble" (default: the learning core's EnsembleTeacher, several members over a long window with a noise
    /// estimate) or "replay" (one larger learner replaying recent rows: the teacher before the ensemble).</summary>
    public string Kind { get; set; } = "ensemble";

    /// <summary>Ensemble members (Kind = ensemble). Default (absent) the learning core's, 6.</summary>
    public int? Members { get; set; }

    /// <summary>Rows of the ensemble's sliding window (Kind = ensemble). Default (absent) the learning core's, 20,000.</summary>
    public int? WindowRows { get; set; }

    /// <summary>Hidden layers of a teacher: larger than its students'. Default (absent) [64, 64]. Null rather than a
    /// pre-filled array: the configuration binder appends configured items to an existing array ([64, 64] + [128] gave
    /// [64, 64, 128]).</summary>
    public int[]? HiddenLayers { get; set; }

    /// <summary>The configured hidden layers, or the default [64, 64].</summary>
    public int[] EffectiveHiddenLayers => HiddenLayers ?? [64, 64];
    /// <summary>Labeled samples kept for replay (Kind = replay). Default 4000.</summary>
    public int ReplayBufferRows { get; set; } = 4000;
    /// <summary>Replayed batches after each new batch (Kind = replay). Default 2.</summary>
    public int ReplayBatches { get; set; } = 2;
    /// <summary>Samples learned before the teacher answers with soft targets (Ready). Default 500.</summary>
    public int WarmupSamples { get; set; } = 500;
    /// <summary>Persist the teacher after this many learned samples. Default 5000.</summary>
    public int PersistEverySamples { get; set; } = 5000;
    /// <summary>"auto" (CUDA when TorchSharp sees a GPU), "cuda" or "cpu". Default auto.</summary>
    public string Device { get; set; } = "auto";
    /// <summary>Teacher group → checkpoint file (an ensemble or replay teacher snapshot, e.g. `streamlabel teacher load`'s input)
    /// that a teacher without persisted state starts from. Default none: teachers start untrained.</summary>
    public Dictionary<string, string> Checkpoints { get; set; } = [];

    /// <summary>Every problem, each naming its option ("Teacher:Option rule"); empty when the options are good.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        void Require(bool ok, string name, string rule) { if (!ok) problems.Add($"Teacher:{name} {rule}"); }
        Require(Kind is "ensemble" or "replay", nameof(Kind), $"must be one of: ensemble, replay (got '{Kind}')");
        Require(Members is null or >= 1, nameof(Members), $"must be >= 1 (got {Members})");
        Require(WindowRows is null or >= 1, nameof(WindowRows), $"must be >= 1 (got {WindowRows})");
        Require(WarmupSamples >= 0, nameof(WarmupSamples), $"must be >= 0 (got {WarmupSamples})");
        Require(PersistEverySamples >= 1, nameof(PersistEverySamples), $"must be >= 1 (got {PersistEverySamples})");
        return problems;
    }
}
