using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using StreamLabel.Grains;

namespace StreamLabel.Client.Tests.TestGrains;

/// <summary>Test-only ITeacherGrain for `teacher load|status`: versions checkpoints and reports its silo and metadata.</summary>
public sealed class TestTeacherGrain(ILocalSiloDetails silo, ISiloMetadataCache metadata) : Grain, ITeacherGrain
{
    private int _version;
    private long _samples, _checkpointBytes;
    private bool _fromCheckpoint;

    public Task<SoftTargetsResponse> GetSoftTargetsAsync(SoftTargetsRequest request) =>
        throw new NotSupportedException("the client tests' teacher does not serve soft targets");

    public Task ForwardSamplesAsync(TeacherSamples samples)
    {
        _samples += samples.Labels.Length;
        return Task.CompletedTask;
    }

    public Task<TeacherStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<TeacherStatus> LoadCheckpointAsync(byte[] snapshot)
    {
        if (snapshot.Length == 0) throw new ArgumentException("empty checkpoint", nameof(snapshot));
        _checkpointBytes = snapshot.Length;
        _fromCheckpoint = true;
        _version++;
        return Task.FromResult(Status());
    }

    private TeacherStatus Status() => new(this.GetPrimaryKeyString(), _version, _samples, "cpu", silo.SiloAddress.ToParsableString(),
        metadata.GetSiloMetadata(silo.SiloAddress).Metadata, 0, _fromCheckpoint);
}
