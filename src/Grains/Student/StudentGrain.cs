using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Streams;
using Orleans.Streams.Core;
using StreamLabel.Grains.Placement;
using StreamLabel.Grains.Specs;
using StreamLabel.Grains.Telemetry;
using StreamLabel.Learning;
using StreamLabel.Learning.Tuning;
using StreamLabel.Learning.Bank;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Grains.Student;

/// <summary>
/// One online model per key. Receives the key's Kafka events through an implicit stream subscription, and for each
/// micro-batch predicts first (prequential metrics), then learns with smoothing, self-correction and, when it holds
/// fresh soft targets from its teacher, distillation. Model and applied Kafka offsets are persisted together, so
/// a redelivered event is applied exactly once in the surviving history (<see cref="OffsetLedger"/>).
/// Placed on the silo whose pulling agent activates it, which reads the key's partition, so deliveries stay in process;
/// never on a GPU silo while a CPU silo is up.
/// </summary>
[ImplicitStreamSubscription(StreamNamespace)]
[PreferLocalPlacement]
[CpuSiloPlacement]
public sealed partial class StudentGrain(
    [PersistentState("student", "models")] IPersistentState<StudentState> state,
    IOptions<StudentOptions> options,
    ModelSpecResolver specs,
    StreamLabelMetrics meters,
    IDeadLetterWriter deadLetters,
    KafkaOutputProducer output,
    BankSchedulerSet bank,
    ILocalSiloDetails silo,
    StreamLabel.Grains.Cluster.StudentTally tally,
    ILogger<StudentGrain> logger)
    : Grain, IStudentGrain, IDurableOffsetSource, IStreamSubscriptionObserver, IAsyncBatchObserver<StreamEvent>
{
    /// <summary>Must equal Kafka:StreamNamespace (its default); a silo whose option differs stops at start
    /// (<see cref="StudentStreamNamespaceValidator"/>).</summary>
    public const string StreamNamespace = "streamlabel";

    private readonly StudentOptions _options = options.Value;
    private IAsyncLearner? _learner; // a model bank slot, or an OnlineLearner of its own (Student:ModelBank)
    private OffsetLedger _ledger = new();
    private IReadOnlyDictionary<string, int> _classIndex = ClassIndex.Of([]);
    private long _eventsSincePersist;
    private IGrainTimer? _persistTimer, _pullTimer; // only while they have work (StartTimers)
    // Set when a delivery failed part-way: memory then holds effects (or applied offsets) of an unfinished delivery,
    // so this activation must never persist again; the last durable state and Kafka's redelivery rebuild it.
    private bool _failed;
    // The pattern whose MaxKeys this key did not fit under at activation (its events are dead-lettered as key-cap).
    private ModelSpecPattern? _overCap;
    // Plain parts, made on activation: the operator-facing history, the teacher link, the predictions topic.
    private StudentMetricsKeeper _metrics = null!;
    private TeacherLink _teacher = null!;
    private IDisposable? _keyAccuracy; // this key's series of the per-key accuracy gauge, if within the limit
    private PredictionPublisher _predictions = null!;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ledger = new OffsetLedger(state.State.AppliedOffsets);
        _metrics = new StudentMetricsKeeper(state.State.History, _options, meters);
        _keyAccuracy = meters.KeyAccuracy.Track(Key, () => _metrics.WindowAccuracy);
        _teacher = new TeacherLink(_options, LearnerSpecs.StableSeed(Key));
        _predictions = new PredictionPublisher(_options.PredictionsTopic, (topic, key, value) => output.PublishAsync(topic, key, value));
        var spec = state.State.Spec ?? await ConfiguredSpecAsync();
        if (spec is not null)
        {
            int warmStart = await BuildAsync(spec, state.State.Snapshot);
            if (warmStart > 0) _metrics.WarmStarted(warmStart);
            state.State.Snapshot = null; // the learner holds it now; PersistAsync takes a fresh one
            if (state.State.Spec is null)
            {
                state.State.Spec = spec;
                await ModelRegistry.RegisterAsync(GrainFactory, Key, spec.TeacherGroup);
            }
        }
        if (_learner is not null)
        {
            tally.Activated(Key, _learner.Counters.EventsSeen);
            // After a crash or a shutdown its registry shard may hold an older count than the stored state; bring it
            // up to date off the activation's path (the shard writes only a changed count).
            _ = RecordEventsSeenAsync(_learner.Counters.EventsSeen);
        }
    }

    /// <summary>
    /// Starts the persist and teacher-pull timers when events arrive; each stops on a tick that leaves it nothing to do.
    /// An idle student then holds no timer: a silo keeps many idle keys, and each timer costs memory and a turn per tick.
    /// </summary>
    private void StartTimers()
    {
        _persistTimer ??= this.RegisterGrainTimer(PersistTickAsync, new GrainTimerCreationOptions(_options.PersistInterval, _options.PersistInterval));
        if (HasTeacher)
            _pullTimer ??= this.RegisterGrainTimer(PullTickAsync, new GrainTimerCreationOptions(_options.TeacherPullInterval, _options.TeacherPullInterval) { Interleave = true });
    }

    /// <summary>Whether this student has a model and a teacher group to pull from.</summary>
    private bool HasTeacher => _learner is not null && state.State.Spec?.TeacherGroup is not null;

    private async Task PersistTickAsync(CancellationToken cancellationToken)
    {
        if (CanPersist && _ledger.HasUndurable) await PersistAsync();
        if (CanPersist && _ledger.HasUndurable) return; // events arrived while it wrote: the next tick writes them
        _persistTimer?.Dispose();
        _persistTimer = null;
    }

    private async Task PullTickAsync(CancellationToken cancellationToken)
    {
        await PullTeacherAsync(cancellationToken);
        if (HasTeacher && _teacher.HasUnforwarded) return;
        _teacher.Idle();
        _pullTimer?.Dispose();
        _pullTimer = null;
    }

    /// <summary>The Models:Patterns spec of this key, when its pattern has room for it (MaxKeys); else null, and the
    /// reason its events are dead-lettered.</summary>
    private async Task<ModelSpec?> ConfiguredSpecAsync()
    {
        if (specs.Match(Key) is not { } entry) return null;
        if (entry.MaxKeys > 0 && !await GrainFactory.GetGrain<IKeyQuotaGrain>(entry.Pattern).TryAdmitAsync(Key, entry.MaxKeys))
        {
            _overCap = entry;
            return null;
        }
        return entry.Spec;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _keyAccuracy?.Dispose();
        if (CanPersist && _ledger.HasUndurable && reason.ReasonCode != DeactivationReasonCode.ApplicationError)
            await PersistAsync();
        tally.Deactivated(Key);
        // Its registry shard keeps the count from now on, so cluster totals need not activate this student again. Not
        // while the silo shuts down: the silo records all its students' counts at once then (StudentTallyReporter).
        if (CanPersist && _learner is { } learner && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
            await RecordEventsSeenAsync(learner.Counters.EventsSeen);
        await ReleaseLearnerAsync();
    }

    private async Task RecordEventsSeenAsync(long eventsSeen)
    {
        try { await ModelRegistry.RecordEventsSeenAsync(GrainFactory, Key, eventsSeen); }
        catch (Exception e) when (e is not OutOfMemoryException) { LogTotalsRecordFailed(e, Key); }
    }

    private async Task ReleaseLearnerAsync()
    {
        var learner = _learner;
        _learner = null;
        if (learner is not null) await learner.DisposeAsync();
    }

    /// <summary>Creates the learner for a spec, restoring the snapshot when there is one, else warm-started by the
    /// teacher (returns the rows it learned then; 0 when restored or cold). The new learner is made before the old one
    /// is let go: a build that throws leaves the grain as it was, still learning with its model.</summary>
    private async Task<int> BuildAsync(ModelSpec spec, byte[]? snapshot)
    {
        var learner = await CreateLearnerAsync(LearnerSpecs.ForStudent(spec, Key), LearnerSpecs.TuningFor(spec), snapshot);
        int warmStart = snapshot is null ? await WarmStartAsync(learner, spec) : 0;
        await ReleaseLearnerAsync();
        _learner = learner;
        _classIndex = ClassIndex.Of(spec.Classes);
        _teacher.StartModel(spec.FeatureCount);
        return warmStart;
    }

    /// <summary>A slot in the silo's model bank when banking is on and the bank takes the spec, else a learner of its own.</summary>
    private async Task<IAsyncLearner> CreateLearnerAsync(LearnerSpec spec, TuningOptions? tuning, byte[]? snapshot)
    {
        // The snapshot was made from this spec (a spec change starts a new model), so the spec decides.
        if (tuning is not null)
            return new TunedAsyncLearner(snapshot is null ? new TunedLearner(spec, tuning) : TunedLearner.Restore(snapshot, spec, tuning, "cpu"));
        if (_options.ModelBank && ModelBank.Supports(spec))
            return snapshot is null ? await bank.AddAsync(spec) : await bank.RestoreAsync(snapshot, "cpu");
        return new SoloLearner(snapshot is null ? new OnlineLearner(spec) : OnlineLearner.Restore(snapshot, "cpu"));
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<StreamEvent>().ResumeAsync(this);

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, Key);
        return Task.CompletedTask;
    }

    public Task<DurableOffsets> GetDurableOffsetsAsync() => Task.FromResult(_ledger.Report());

    /// <summary>Whether this activation may save: never after a failed delivery; with its model, or, for a key without a
    /// spec, its ledger alone (a key with a spec but no learner, after a failed build, would overwrite its stored model).</summary>
    private bool CanPersist => !_failed && (_learner is not null || state.State.Spec is null);

    /// <summary>Refuses work on an activation whose delivery failed: what it would do rests on state that is discarded.</summary>
    private void ThrowIfFailed()
    {
        if (_failed)
            throw new InvalidOperationException($"student '{Key}' failed a delivery and is deactivating; the next activation resumes from its last durable state");
    }

    /// <summary>One write holds the model and the offsets it contains; only then are those offsets durable.</summary>
    private async Task PersistAsync()
    {
        ThrowIfFailed();
        state.State.Snapshot = _learner is null ? null : await _learner.SnapshotAsync();
        state.State.AppliedOffsets = new Dictionary<string, long>(_ledger.Applied);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        await state.WriteStateAsync();
        meters.PersistMilliseconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        // The written copy is in storage; an idle student need not keep a second one (about 5 KB for the default model).
        state.State.Snapshot = null;
        _ledger.MarkDurable();
        _eventsSincePersist = 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream error for student {Key}")]
    private partial void LogStreamError(Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Student {Key}: could not record its events seen in the registry; cluster totals count its last record")]
    private partial void LogTotalsRecordFailed(Exception exception, string key);
}
