using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace StreamLabel.Grains.Placement;

/// <summary>
/// Filters placement candidates to silos with the configured accelerator metadata. Orleans' built-in metadata filters
/// match the placing silo's own values, so they cannot pin to a fixed value like "gpu"; this one can.
/// </summary>
public sealed partial class AcceleratorPlacementDirector(
    ISiloMetadataCache metadata,
    IOptions<TeacherPlacementOptions> options,
    ILogger<AcceleratorPlacementDirector> logger) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var o = options.Value;
        var candidates = silos.ToList();
        var matching = candidates.Where(s => o.Matches(metadata.GetSiloMetadata(s).Metadata)).ToList();
        if (matching.Count > 0) return matching;
        if (o.Fallback == NoGpuSiloFallback.Refuse)
        {
            LogRefused(target.GrainIdentity, o.MetadataKey, o.MetadataValue);
            return [];
        }
        LogFallback(target.GrainIdentity, o.MetadataKey, o.MetadataValue);
        return candidates;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo has {Key}={Value}: placing {Grain} on any silo (Teacher:Placement:Fallback=AnySilo)")]
    private partial void LogFallback(GrainId grain, string key, string value);

    [LoggerMessage(Level = LogLevel.Error, Message = "No silo has {Key}={Value}: refusing to place {Grain} (Teacher:Placement:Fallback=Refuse)")]
    private partial void LogRefused(GrainId grain, string key, string value);
}
