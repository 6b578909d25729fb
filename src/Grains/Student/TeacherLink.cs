using StreamLabel.Learning;
using StreamLabel.Learning.Teacher;

namespace StreamLabel.Grains.Student;

/// <summary>
/// A student's link to its group teacher: the buffer of recent labeled rows (with the student's own prediction of each,
/// made before learning it) and the teacher's soft targets, when to pull, and one pull at a time. A pull sends the rows
/// the teacher has not seen; the teacher answers soft targets for them made before it learns them, and its advantage
/// over this student. The targets are mixed with the student's own prediction by that advantage's weight (so a teacher
/// that is no better teaches nothing), and replayed a few rows per step until stale. Each call is bounded by
/// Student:TeacherTimeout, so a slow or missing teacher only pauses distillation.
/// </summary>
internal sealed class TeacherLink(StudentOptions options, int seed)
{
    private DistillationBuffer? _buffer;
    private bool _pullInFlight;
    private long _eventsSincePull;

    /// <summary>The version of the teacher whose soft targets are held, or null.</summary>
    public int? TeacherVersion => _buffer?.TeacherVersion;

    /// <summary>When the held soft targets arrived, or null.</summary>
    public DateTimeOffset? TargetsAt => _buffer?.TargetsAt;

    /// <summary>The teacher's last word on this student: accuracy advantage on its forwarded labels, and the
    /// distillation weight it earns (null before the first answer).</summary>
    public (double Advantage, double Weight)? Advantage { get; private set; }

    /// <summary>A new model (spec) starts with an empty buffer and no soft targets; pull pacing carries on.</summary>
    public void StartModel(int featureCount)
    {
        _buffer = new DistillationBuffer(featureCount, options.DistillationBufferRows, seed);
        Advantage = null;
    }

    /// <summary>Buffers a labeled row for the teacher, with the class the student predicted for it before learning it.</summary>
    public void Observe(ReadOnlySpan<float> features, int label, int predicted) => Buffer.Add(features, label, predicted);

    /// <summary>Teacher rows for the next step, or null when the soft targets are missing or stale.</summary>
    public DistillationBatch? ForStep(DateTimeOffset now) =>
        Buffer.IsStale(now, options.TeacherStaleAfter) ? null : Buffer.Sample(options.DistillationRowsPerStep);

    /// <summary>Whether rows arrived that the teacher has not been sent yet (or a pull is still carrying them).</summary>
    public bool HasUnforwarded => _pullInFlight || _buffer?.Unforwarded > 0;

    /// <summary>An idle student (no rows left to send) keeps only the held targets: see <see cref="DistillationBuffer.ReleaseForwarded"/>.</summary>
    public void Idle() => _buffer?.ReleaseForwarded();

    /// <summary>Counts delivered events; true when enough arrived since the last pull to pull again now.</summary>
    public bool CountEvents(long events)
    {
        _eventsSincePull += events;
        return _eventsSincePull >= options.TeacherPullEveryEvents;
    }

    /// <summary>
    /// One round trip with <paramref name="teacher"/>. Not pulled when another pull is in flight, or when no row arrived
    /// since the last one and the held targets are fresh. <paramref name="ownProbabilities"/> gives the student's class probabilities of rows (at T = 1).
    /// Failures (timeouts, an unreachable teacher) propagate to the caller, which logs and counts them.
    /// </summary>
    public async Task<TeacherPull> PullAsync(ITeacherGrain teacher, string key, ModelSpec spec, Func<float[], int, Task<float[]>> ownProbabilities,
        CancellationToken cancellationToken)
    {
        if (_buffer is null || _pullInFlight) return TeacherPull.Skipped;
        var forward = _buffer.TakeUnforwarded(options.ForwardRowsPerPull);
        // No new rows: when the held targets are missing or stale, ask again for the buffered ones (not learned twice).
        bool learn = forward.Rows > 0;
        if (!learn && _buffer.IsStale(DateTimeOffset.UtcNow, options.TeacherStaleAfter)) forward = _buffer.Snapshot();
        if (forward.Rows == 0) return TeacherPull.Skipped;
        _pullInFlight = true;
        _eventsSincePull = 0;
        try
        {
            var response = await teacher.TeachAsync(new TeachRequest(key, FloatBytes.ToBytes(forward.Features), forward.Labels, forward.Predicted,
                    spec.FeatureCount, spec, spec.Temperature, learn))
                .WaitAsync(options.TeacherTimeout, cancellationToken);
            Advantage = (response.Advantage, response.Weight);
            double weight = options.TeacherGate == "always" ? 1 : response.Weight;
            if (!(response.Ready && response.Rows == forward.Rows && response.ClassCount == spec.Classes.Count) || weight <= 0)
                return TeacherPull.Answered(null);
            var targets = FloatBytes.ToFloats(response.Probabilities);
            if (weight < 1)
            {
                // w·teacher + (1 − w)·own at T: the distillation gradient is then w times the teacher's.
                var own = FreshDistillation.Temper(await ownProbabilities(forward.Features, forward.Rows), forward.Rows, response.ClassCount, spec.Temperature);
                for (int i = 0; i < targets.Length; i++) targets[i] = (float)(weight * targets[i] + (1 - weight) * own[i]);
            }
            Buffer.SetTargets(forward.Features, targets, forward.Rows, response.ClassCount, response.TeacherVersion, DateTimeOffset.UtcNow);
            return TeacherPull.Answered(response.TeacherVersion);
        }
        finally
        {
            _pullInFlight = false;
        }
    }

    private DistillationBuffer Buffer => _buffer ?? throw new InvalidOperationException("the student has no model yet");
}

/// <summary>What a pull did: <see cref="Pulled"/> when the teacher answered; <see cref="TargetsVersion"/> when its
/// answer was taken as the new soft targets.</summary>
internal readonly record struct TeacherPull(bool Pulled, int? TargetsVersion)
{
    public static TeacherPull Skipped => new(false, null);

    public static TeacherPull Answered(int? targetsVersion) => new(true, targetsVersion);
}
