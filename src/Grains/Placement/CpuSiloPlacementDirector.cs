using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace StreamLabel.Grains.Placement;

/// <summary>
/// Filters placement candidates to silos without the accelerator metadata (the one <see cref="TeacherPlacementOptions"/>
/// names); when every candidate has it, all of them stay candidates, so a GPU-only cluster still runs students.
/// </summary>
public sealed class CpuSiloPlacementDirector(ISiloMetadataCache metadata, IOptions<TeacherPlacementOptions> options) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var o = options.Value;
        return CpuTier.Of(silos, s => o.Matches(metadata.GetSiloMetadata(s).Metadata));
    }
}
