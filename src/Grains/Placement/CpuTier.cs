namespace StreamLabel.Grains.Placement;

/// <summary>
/// The CPU tier of a set of silos: those without the accelerator metadata, or all of them when every silo has it, so
/// a GPU-only cluster still runs students and reads its streams. Student placement and partition reading share it.
/// </summary>
internal static class CpuTier
{
    /// <summary>The silos of <paramref name="silos"/> that are not accelerators (all of them when none is), in their order.</summary>
    public static List<SiloAddress> Of(IEnumerable<SiloAddress> silos, Func<SiloAddress, bool> isAccelerator)
    {
        var all = silos.ToList();
        var cpu = all.Where(s => !isAccelerator(s)).ToList();
        return cpu.Count > 0 ? cpu : all;
    }
}
