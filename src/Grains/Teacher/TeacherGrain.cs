using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using StreamLabel.Grains.Placement;
using StreamLabel.Grains.Student;
using StreamLabel.Learning;
using StreamLabel.Learning.Teacher;

namespace StreamLabel.Grains.Teacher;

/// <summary>
/// One teacher per group: a stronger model of the learning core (the ensemble teacher by default) that learns from the
/// rows its students forward, answers soft targets for them before learning them, and measures its advantage over
/// each student. Pinned to GPU silos by <see cref="GpuSiloPlacementAttribute"/>; runs on CUDA when TorchSharp sees a
/// GPU, otherwise on CPU (logged once).
/// </summary>
[GpuSiloPlacement]
public sealed partial class TeacherGrain(
    [PersistentState("teacher", "models")] IPersistentState<TeacherState> state,
    IOptions<TeacherOptions> options,
    IOptions<TeacherPlacementOptions> placement,
    ISiloMetadataCache siloMetadata,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    ILogger<TeacherGrain> logger) : Grain, ITeacherGrain
{
    // Students whose advantage is tracked at once; beyond it the longest-silent one is forgotten (it starts again at 0).
    private const int MaxTrackedStudents = 4096;
    // Bounds one warm start's reply (100,000 rows of 8 features: 3.2 MB).
    private const int MaxWarmStartRows = 100_000;
    private readonly TeacherOptions _options = options.Value;
    private readonly Dictionary<string, (TeacherAdvantage Advantage, long Rows, long LastSeen)> _students = new(StringComparer.Ordinal);
    private IGroupTeacher? _teacher;
    private long _samplesSincePersist, _calls;

    private string Group => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!OnAccelerator(silo.SiloAddress))
            this.RegisterGrainTimer(MoveToAcceleratorAsync, new GrainTimerCreationOptions(placement.Value.RecheckInterval, placement.Value.RecheckInterval) { Interleave = false });
        if (state.State.Snapshot is { } snapshot)
        {
            // State written before the ensemble has no kind: it holds a replay teacher.
            _teacher = (state.State.Kind ?? "replay") == "replay"
                ? new ReplayGroupTeacher(ReplayTeacher.Restore(snapshot, _options.Device))
                : new EnsembleGroupTeacher(EnsembleTeacher.Restore(snapshot, _options.Device));
            LogDevice(Group, _teacher.Kind, _teacher.Device, silo.SiloAddress.ToString());
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

    public async Task<TeachResponse> TeachAsync(TeachRequest request)
    {
        var teacher = TeacherFor(request.Spec, request.FeatureCount, request.StudentKey);
        int rows = request.Labels.Length;
        if (request.StudentPredicted.Length != rows) throw new ArgumentException($"{request.StudentPredicted.Length} student predictions for {rows} rows");
        var features = Rows(request.Features, rows, teacher.FeatureCount);
        bool warm = Warm();
        state.State.SoftTargetRequests++;
        if (!request.Learn)
        {
            var known = Track(request.StudentKey, 0);
            return new TeachResponse(warm ? FloatBytes.ToBytes(teacher.SoftTargets(features, rows, request.Temperature)) : [], rows, teacher.ClassCount,
                teacher.Version, warm, known.Advantage, known.Weight, Accuracy);
        }
        var (probabilities, predicted) = teacher.PredictThenLearn(features, rows, request.Labels, request.Temperature);
        for (int r = 0; r < rows; r++)
        {
            if (request.Labels[r] < 0) continue;
            state.State.Scored++;
            if (predicted[r] == request.Labels[r]) state.State.Correct++;
        }
        var advantage = Track(request.StudentKey, rows);
        advantage.Add(predicted, request.StudentPredicted, request.Labels);
        await LearnedAsync(rows);
        return new TeachResponse(warm ? FloatBytes.ToBytes(probabilities) : [], rows, teacher.ClassCount, teacher.Version, warm,
            advantage.Advantage, advantage.Weight, Accuracy);
    }

    public Task<WarmStartResponse> WarmStartAsync(WarmStartRequest request)
    {
        if (request.Rows is < 1 or > MaxWarmStartRows)
            throw new ArgumentOutOfRangeException(nameof(request), request.Rows, $"warm-start rows must be in [1, {MaxWarmStartRows}]");
        if (_teacher is null || !Warm()) return Task.FromResult(new WarmStartResponse([], [], 0, Version));
        var teacher = TeacherFor(request.Spec, request.Spec.FeatureCount, request.StudentKey); // refuses another shape by name
        if (teacher.PseudoLabeled(request.Rows) is not { } rows) return Task.FromResult(new WarmStartResponse([], [], 0, Version));
        state.State.WarmStarts++;
        return Task.FromResult(new WarmStartResponse(FloatBytes.ToBytes(rows.Features), rows.Labels, rows.Labels.Length, teacher.Version));
    }

    public Task<SoftTargetsResponse> GetSoftTargetsAsync(SoftTargetsRequest request)
    {
        state.State.SoftTargetRequests++;
        if (_teacher is null || !Warm()) return Task.FromResult(new SoftTargetsResponse([], 0, 0, Version, Ready: false));
        if (request.FeatureCount != _teacher.FeatureCount)
            throw new ArgumentException($"teacher group '{Group}' expects {_teacher.FeatureCount} features, the request has {request.FeatureCount}");
        var probabilities = _teacher.SoftTargets(Rows(request.Features, request.Rows, _teacher.FeatureCount), request.Rows, request.Temperature);
        return Task.FromResult(new SoftTargetsResponse(FloatBytes.ToBytes(probabilities), request.Rows, _teacher.ClassCount, Version, Ready: true));
    }

    public Task<TeacherStatus> GetStatusAsync() => Task.FromResult(Status());

    /// <summary>An ensemble teacher's snapshot, or a replay teacher's (checkpoints made before the ensemble).</summary>
    public async Task<TeacherStatus> LoadCheckpointAsync(byte[] snapshot)
    {
        IGroupTeacher loaded;
        try { loaded = new EnsembleGroupTeacher(EnsembleTeacher.Restore(snapshot, _options.Device)); }
        catch (InvalidDataException ensemble)
        {
            try { loaded = new ReplayGroupTeacher(ReplayTeacher.Restore(snapshot, _options.Device)); }
            catch (InvalidDataException replay)
            {
                throw new InvalidDataException($"not a teacher checkpoint: as an ensemble teacher: {ensemble.Message}; as a replay teacher: {replay.Message}");
            }
        }
        _teacher?.Dispose();
        _teacher = loaded;
        state.State.Kind = loaded.Kind;
        state.State.FromCheckpoint = true;
        await PersistAsync();
        LogDevice(Group, _teacher.Kind, _teacher.Device, silo.SiloAddress.ToString());
        return Status();
    }

    // A teacher placed by the fallback (no accelerator silo was active then, e.g. at cluster start) moves once one is:
    // otherwise it would stay on a CPU silo for as long as it is busy.
    private Task MoveToAcceleratorAsync(CancellationToken cancellationToken)
    {
        var target = membership.CurrentSnapshot.Members.Values.FirstOrDefault(m => m.Status == SiloStatus.Active && OnAccelerator(m.SiloAddress));
        if (target is null) return Task.CompletedTask;
        LogMoving(Group, silo.SiloAddress.ToString(), target.SiloAddress.ToString());
        this.MigrateOnIdle(); // persisted on the way out; the new activation is placed by the accelerator filter
        return Task.CompletedTask;
    }

    private bool OnAccelerator(SiloAddress address) => placement.Value.Matches(siloMetadata.GetSiloMetadata(address).Metadata);

    // The group's model, made from the first student's spec; a student of another shape is refused by name.
    private IGroupTeacher TeacherFor(ModelSpec studentSpec, int featureCount, string studentKey)
    {
        var spec = state.State.Spec ??= studentSpec;
        if (_teacher is null)
        {
            _teacher = _options.Kind == "replay"
                ? new ReplayGroupTeacher(new ReplayTeacher(TeacherSpec(spec, Group, _options), _options.ReplayBufferRows, _options.ReplayBatches))
                : new EnsembleGroupTeacher(new EnsembleTeacher(MemberSource(spec, Group, _options), EnsembleOptions(Group, _options)));
            state.State.Kind = _teacher.Kind;
            LogDevice(Group, _teacher.Kind, _teacher.Device, silo.SiloAddress.ToString());
        }
        if (featureCount != _teacher.FeatureCount || !studentSpec.Classes.SequenceEqual(spec.Classes))
            throw new ArgumentException($"teacher group '{Group}' teaches {_teacher.FeatureCount} features / classes {string.Join(",", spec.Classes)}; student '{studentKey}' differs");
        return _teacher;
    }

    private static float[] Rows(byte[] bytes, int rows, int featureCount)
    {
        var features = FloatBytes.ToFloats(bytes);
        if (features.Length != rows * featureCount) throw new ArgumentException($"{features.Length} feature values for {rows} rows × {featureCount} features");
        return features;
    }

    private bool Warm() => _teacher is not null && (state.State.FromCheckpoint || _teacher.SamplesLearned >= _options.WarmupSamples);

    private async Task LearnedAsync(int rows)
    {
        _samplesSincePersist += rows;
        if (_samplesSincePersist >= _options.PersistEverySamples) await PersistAsync();
    }

    private TeacherAdvantage Track(string key, int rows)
    {
        _calls++;
        if (!_students.TryGetValue(key, out var entry))
        {
            if (_students.Count >= MaxTrackedStudents) _students.Remove(_students.MinBy(s => s.Value.LastSeen).Key);
            entry = (new TeacherAdvantage(), 0, 0);
        }
        _students[key] = (entry.Advantage, entry.Rows + rows, _calls);
        return entry.Advantage;
    }

    private double? Accuracy => state.State.Scored == 0 ? null : (double)state.State.Correct / state.State.Scored;

    private int Version => _teacher?.Version ?? 0;

    private TeacherStatus Status() => new(Group, Version, _teacher?.SamplesLearned ?? 0, _teacher?.Device ?? "none",
        silo.SiloAddress.ToString(), siloMetadata.GetSiloMetadata(silo.SiloAddress).Metadata.ToDictionary(), state.State.SoftTargetRequests,
        state.State.FromCheckpoint, _teacher?.Kind ?? _options.Kind, Accuracy,
        _students.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new StudentTeaching(s.Key, s.Value.Advantage.Advantage, s.Value.Advantage.Weight, s.Value.Rows)).ToList(),
        state.State.WarmStarts);

    /// <summary>The group's replay learner. Lagged labels and the drift challenger are student-only: the teacher learns
    /// from shuffled samples of many keys, where "the previous label" has no meaning, and it does not track one stream's drift.</summary>
    internal static LearnerSpec TeacherSpec(ModelSpec spec, string group, TeacherOptions options) =>
        ReplayTeacher.DefaultSpecFor(MemberSource(spec, group, options)) with { HiddenLayers = options.EffectiveHiddenLayers };

    /// <summary>The student-shaped spec the teacher's members derive from (features, classes, device; student-only
    /// inputs off, as above).</summary>
    public static LearnerSpec MemberSource(ModelSpec spec, string group, TeacherOptions options) =>
        LearnerSpecs.ForStudent(spec, group) with { Device = options.Device, LaggedLabels = false, DriftChallengerEvents = 0 };

    /// <summary>The learning core's ensemble defaults (as the quality bench measured them), with the configured members,
    /// window and hidden layers, seeded by the group.</summary>
    public static Learning.Teacher.TeacherOptions EnsembleOptions(string group, TeacherOptions options)
    {
        var d = new Learning.Teacher.TeacherOptions();
        return d with
        {
            Members = options.Members ?? d.Members, WindowRows = options.WindowRows ?? d.WindowRows,
            HiddenLayers = options.EffectiveHiddenLayers, Seed = LearnerSpecs.StableSeed(group),
        };
    }

    private async Task PersistAsync()
    {
        state.State.Snapshot = _teacher?.Snapshot();
        await state.WriteStateAsync();
        _samplesSincePersist = 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Teacher {Group} moves from silo {From} to accelerator silo {To}")]
    private partial void LogMoving(string group, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Teacher {Group} ({Kind}) runs on {Device} (silo {Silo})")]
    private partial void LogDevice(string group, string kind, string device, string silo);
}
