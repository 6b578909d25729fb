using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using StreamLabel.Client.Tests.Infrastructure;
using StreamLabel.Grains;

namespace StreamLabel.Client.Tests.TestGrains;

/// <summary>
/// Test-only IClusterInfoGrain, and a sketch of the silo side the lead implements: active members from the membership
/// service, their metadata from ISiloMetadataCache, partition positions from whoever reads Kafka (here the test pump).
/// </summary>
public sealed class TestClusterInfoGrain(IClusterMembershipService membership, ISiloMetadataCache metadata, IntakeStats intake)
    : Grain, IClusterInfoGrain
{
    public Task<ClusterInfo> GetClusterInfoAsync()
    {
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => new SiloInfo(m.SiloAddress.ToParsableString(), m.Name, metadata.GetSiloMetadata(m.SiloAddress).Metadata))
            .ToList();
        var partitions = intake.Snapshot();
        return Task.FromResult(new ClusterInfo(silos, partitions, partitions.Sum(p => p.DeadLetters), DateTimeOffset.UtcNow));
    }
}
