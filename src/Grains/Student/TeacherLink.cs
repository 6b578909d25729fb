using StreamLabel.Learning;

namespace StreamLabel.Grains.Student;

/// <summary>
/// A student's link to its group teacher: the buffer of recent labeled rows and the teacher's soft targets
/// (<see cref="DistillationBuffer"/>), when to pull, and one pull at a time. A pull forwards the rows the teacher has not
/// seen, then asks for soft targets of the buffered rows, each bounded by Student:TeacherTimeout; stale targets are not
/// used, so a slow or missing teacher only pauses distillation.
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

    /// <summary>A new model (spec) starts with an empty buffer and no soft targets; pull pacing carries on.</summary>
    public void StartModel(int featureCount) => _buffer = new DistillationBuffer(featureCount, options.DistillationBufferRows, seed);

    /// <summary>Buffers a labeled row for the teacher.</summary>
    public void Observe(ReadOnlySpan<float> features, int label) => Buffer.Add(features, label);

    /// <summary>Teacher rows for the next step, or null when the soft targets are missing or stale.</summary>
    public DistillationBatch? ForStep(DateTimeOffset now) =>
        Buffer.IsStale(now, options.TeacherStaleAfter) ? null : Buffer.Sample(options.DistillationRowsPerStep);

    /// <summary>Counts delivered events; true when enough arrived since the last pull to pull again now.</summary>
    public bool CountEvents(long events)
    {
        _eventsSincePull += events;
        return _eventsSincePull >= options.TeacherPullEveryEvents;
    }

    /// <summary>
    /// One round trip with <paramref name="teacher"/>. Not pulled when another pull is in flight or nothing is
    /// buffered. Failures (timeouts, an unreachable teacher) propagate to the caller, which logs and counts them.
    /// </summary>
    public async Task<TeacherPull> PullAsync(ITeacherGrain teacher, string key, ModelSpec spec, CancellationToken cancellationToken)
    {
        if (_buffer is null || _pullInFlight) return TeacherPull.Skipped;
        var (features, labels, rows) = _buffer.Snapshot();
        if (rows == 0) return TeacherPull.Skipped;
        _pullInFlight = true;
        _eventsSincePull = 0;
        try
        {
            var (forward, forwardLabels, forwardRows) = _buffer.TakeUnforwarded(options.ForwardRowsPerPull);
            if (forwardRows > 0)
                await teacher.ForwardSamplesAsync(new TeacherSamples(key, FloatBytes.ToBytes(forward), forwardLabels, spec.FeatureCount, spec))
                    .WaitAsync(options.TeacherTimeout, cancellationToken);
            var response = await teacher.GetSoftTargetsAsync(new SoftTargetsRequest(key, FloatBytes.ToBytes(features), rows,
                    spec.FeatureCount, spec.Temperature, _buffer.TeacherVersion))
                .WaitAsync(options.TeacherTimeout, cancellationToken);
            if (!(response.Ready && response.Rows == rows && response.ClassCount == spec.Classes.Count)) return TeacherPull.Answered(null);
            Buffer.SetTargets(features, FloatBytes.ToFloats(response.Probabilities), rows, response.ClassCount,
                response.TeacherVersion, DateTimeOffset.UtcNow);
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
