namespace StreamLabel.Grains.Teacher;

/// <summary>Configuration section "Teacher".</summary>
public sealed class TeacherOptions
{
    public const string Section = "Teacher";

    /// <summary>Hidden layers of a teacher: larger than its students'. Default (absent) [64, 64]. Null rather than a
    /// pre-filled array: the configuration binder appends configured items to an existing array ([64, 64] + [128] gave
    /// [64, 64, 128]).</summary>
    public int[]? HiddenLayers { get; set; }

    /// <summary>The configured hidden layers, or the default [64, 64].</summary>
    public int[] EffectiveHiddenLayers => HiddenLayers ?? [64, 64];
    /// <summary>Labeled samples kept for replay. Default 4000.</summary>
    public int ReplayBufferRows { get; set; } = 4000;
    /// <summary>Replayed batches after each new batch. Default 2.</summary>
    public int ReplayBatches { get; set; } = 2;
    /// <summary>Samples learned before the teacher answers with soft targets (Ready). Default 500.</summary>
    public int WarmupSamples { get; set; } = 500;
    /// <summary>Persist the teacher after this many learned samples. Default 5000.</summary>
    public int PersistEverySamples { get; set; } = 5000;
    /// <summary>"auto" (CUDA when TorchSharp sees a GPU), "cuda" or "cpu". Default auto.</summary>
    public string Device { get; set; } = "auto";
    /// <summary>Teacher group → checkpoint file (a ReplayTeacher snapshot, e.g. from `streamlabel teacher load`'s input)
    /// that a teacher without persisted state starts from. Default none: teachers start untrained.</summary>
    public Dictionary<string, string> Checkpoints { get; set; } = [];
}
