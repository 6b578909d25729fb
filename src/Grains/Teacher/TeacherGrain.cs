using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using StreamLabel.Grains.Placement;
using StreamLabel.Grains.Student;
using StreamLabel.Learning;

namespace StreamLabel.Grains.Teacher;

/// <summary>
/// One teacher per group: a larger model of the same learning core that keeps learning, with replay, from samples its
/// students forward, and answers soft targets in one batched forward pass. Pinned to GPU silos by
/// <see cref="GpuSiloPlacementAttribute"/>; runs on CUDA when TorchSharp sees a GPU, otherwise on CPU (logged once).
/// </summary>
[GpuSiloPlacement]
public sealed partial class TeacherGrain(
    [PersistentState("teacher", "models")] IPersistentState<TeacherState> state,
    IOptions<TeacherOptions> options,
    ISiloMetadataCache siloMetadata,
    ILocalSiloDetails silo,
    ILogger<TeacherGrain> logger) : Grain, ITeacherGrain
{
    private readonly TeacherOptions _options = options.Value;
    private ReplayTeacher? _teacher;
    private long _samplesSincePersist;

    private string Group => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Snapshot is { } snapshot)
        {
            _teacher = ReplayTeacher.Restore(snapshot, _options.Device);
            LogDevice(Group, _teacher.Learner.Device, silo.SiloAddress.ToString());
        }
        else if (_options.Checkpoints.TryGetValue(Group, out var path))
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"Teacher:Checkpoints:{Group} names a file that does not exist: {path}", path);
            await LoadCheckpointAsync(await File.ReadAllBytesAsync(path, cancellationToken));
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_teacher is not null && _samplesSincePersist > 0) await PersistAsync();
        _teacher?.Dispose();
    }

    public async Task ForwardSamplesAsync(TeacherSamples samples)
    {
        var spec = state.State.Spec ??= samples.Spec;
        if (_teacher is null)
        {
            _teacher = new ReplayTeacher(TeacherSpec(spec, Group, _options), _options.ReplayBufferRows, _options.ReplayBatches);
            LogDevice(Group, _teacher.Learner.Device, silo.SiloAddress.ToString());
        }
        int f = _teacher.Learner.Spec.FeatureCount;
        if (samples.FeatureCount != f || !samples.Spec.Classes.SequenceEqual(spec.Classes))
            throw new ArgumentException($"teacher group '{Group}' teaches {f} features / classes {string.Join(",", spec.Classes)}; student '{samples.StudentKey}' differs");
        var features = FloatBytes.ToFloats(samples.Features);
        int rows = samples.Labels.Length;
        if (features.Length != rows * f) throw new ArgumentException("features and labels disagree in row count");
        for (int start = 0; start < rows; start += 64)
        {
            int n = Math.Min(64, rows - start);
            _teacher.Learn(features.AsSpan(start * f, n * f), n, samples.Labels.AsSpan(start, n));
        }
        _samplesSincePersist += rows;
        if (_samplesSincePersist >= _options.PersistEverySamples) await PersistAsync();
    }

    public Task<SoftTargetsResponse> GetSoftTargetsAsync(SoftTargetsRequest request)
    {
        state.State.SoftTargetRequests++;
        bool warm = _teacher is not null && (state.State.FromCheckpoint || _teacher.Learner.Counters.EventsLearned >= _options.WarmupSamples);
        if (!warm) return Task.FromResult(new SoftTargetsResponse([], 0, 0, Version, Ready: false));
        var spec = _teacher!.Learner.Spec;
        if (request.FeatureCount != spec.FeatureCount)
            throw new ArgumentException($"teacher group '{Group}' expects {spec.FeatureCount} features, the request has {request.FeatureCount}");
        var probabilities = _teacher.SoftTargets(FloatBytes.ToFloats(request.Features), request.Rows, request.Temperature);
        return Task.FromResult(new SoftTargetsResponse(FloatBytes.ToBytes(probabilities), request.Rows, spec.ClassCount, Version, Ready: true));
    }

    public Task<TeacherStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<TeacherStatus> LoadCheckpointAsync(byte[] snapshot)
    {
        var loaded = ReplayTeacher.Restore(snapshot, _options.Device);
        _teacher?.Dispose();
        _teacher = loaded;
        state.State.FromCheckpoint = true;
        await PersistAsync();
        LogDevice(Group, _teacher.Learner.Device, silo.SiloAddress.ToString());
        return Status();
    }

    private int Version => (int)Math.Min(int.MaxValue, _teacher?.Learner.Version ?? 0);

    private TeacherStatus Status() => new(Group, Version, _teacher?.Learner.Counters.EventsLearned ?? 0, _teacher?.Learner.Device ?? "none",
        silo.SiloAddress.ToString(), siloMetadata.GetSiloMetadata(silo.SiloAddress).Metadata.ToDictionary(), state.State.SoftTargetRequests,
        state.State.FromCheckpoint);

    /// <summary>The group's learner. Lagged labels and the drift challenger are student-only: the teacher learns from
    /// shuffled samples of many keys, where "the previous label" has no meaning, and it does not track one stream's drift.</summary>
    internal static LearnerSpec TeacherSpec(ModelSpec spec, string group, TeacherOptions options) =>
        ReplayTeacher.DefaultSpecFor(LearnerSpecs.ForStudent(spec, group)) with
        {
            HiddenLayers = options.EffectiveHiddenLayers,
            Device = options.Device,
            LaggedLabels = false,
            DriftChallengerEvents = 0,
        };

    private async Task PersistAsync()
    {
        state.State.Snapshot = _teacher?.Snapshot();
        await state.WriteStateAsync();
        _samplesSincePersist = 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Teacher {Group} runs on {Device} (silo {Silo})")]
    private partial void LogDevice(string group, string device, string silo);
}
