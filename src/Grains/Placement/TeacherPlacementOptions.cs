namespace StreamLabel.Grains.Placement;

/// <summary>What to do with a GPU-pinned grain when no silo carries the GPU metadata.</summary>
public enum NoGpuSiloFallback
{
    /// <summary>Place it on any silo and log a warning (default): teachers then run on CPU.</summary>
    AnySilo,
    /// <summary>Refuse placement: calls to the grain fail until a GPU silo joins (students carry on without distillation).</summary>
    Refuse,
}

/// <summary>Configuration section "Teacher:Placement".</summary>
public sealed class TeacherPlacementOptions
{
    public const string Section = "Teacher:Placement";

    /// <summary>Silo metadata key that names the accelerator. Default "accelerator".</summary>
    public string MetadataKey { get; set; } = "accelerator";
    /// <summary>Value of <see cref="MetadataKey"/> on GPU silos. Default "gpu".</summary>
    public string MetadataValue { get; set; } = "gpu";
    /// <summary>Default <see cref="NoGpuSiloFallback.AnySilo"/>.</summary>
    public NoGpuSiloFallback Fallback { get; set; } = NoGpuSiloFallback.AnySilo;
    /// <summary>How often a teacher placed on a silo without the metadata (the fallback, e.g. while the GPU silos were
    /// still starting) looks for one that has it, and moves there. Default 30 s.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the silo's metadata marks it as an accelerator silo.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> siloMetadata) =>
        siloMetadata.TryGetValue(MetadataKey, out var v) && string.Equals(v, MetadataValue, StringComparison.OrdinalIgnoreCase);
}
