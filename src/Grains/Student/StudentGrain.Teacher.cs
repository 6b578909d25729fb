using Microsoft.Extensions.Logging;
using StreamLabel.Learning;

namespace StreamLabel.Grains.Student;

public sealed partial class StudentGrain
{
    /// <summary>
    /// One round trip with the teacher (<see cref="TeacherLink"/>). Runs interleaved with deliveries (a timer with
    /// Interleave), so learning never waits for it; a failure is counted and logged, and distillation pauses until
    /// fresh soft targets arrive.
    /// </summary>
    private async Task PullTeacherAsync(CancellationToken cancellationToken)
    {
        var spec = state.State.Spec;
        if (_learner is null || spec?.TeacherGroup is null) return;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var learner = _learner;
            var pull = await _teacher.PullAsync(GrainFactory.GetGrain<ITeacherGrain>(spec.TeacherGroup), Key, spec,
                (features, rows) => learner.PredictProbabilitiesAsync(features, rows), cancellationToken);
            if (!pull.Pulled) return;
            meters.TeacherPullMilliseconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            meters.TeacherPulls.Add(1);
            if (pull.TargetsVersion is int version) _metrics.TeacherAnswered(version);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException or ArgumentException or ObjectDisposedException)
        {
            meters.TeacherPullFailures.Add(1);
            meters.TeacherPullMilliseconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            LogTeacherUnavailable(Key, spec.TeacherGroup, e.GetType().Name, e.Message);
        }
    }

    /// <summary>
    /// A new model's warm start (Student:WarmStartRows): rows its group's teacher learned from the other keys, labeled
    /// with the teacher's prediction, learned in steps of Student:MaxBatchSize without scoring them, so the key's first
    /// events meet a model that knows the group's concept. Cold (0 rows) when off, without a teacher group, with lagged
    /// labels (the rows have no order to lag), or when the teacher has none or does not answer in time. It is optional:
    /// any failure of it (a teacher that cannot activate, e.g. a missing checkpoint file) is logged and the model starts
    /// cold (or with the rows learned before the failure), rather than failing the student's activation.
    /// </summary>
    private async Task<int> WarmStartAsync(IAsyncLearner learner, ModelSpec spec)
    {
        if (_options.WarmStartRows == 0 || spec.TeacherGroup is not { } group || learner.Spec.LaggedLabels) return 0;
        try
        {
            var answer = await GrainFactory.GetGrain<ITeacherGrain>(group).WarmStartAsync(new WarmStartRequest(Key, spec, _options.WarmStartRows))
                .WaitAsync(_options.TeacherTimeout);
            if (answer.Rows == 0) return 0;
            int f = spec.FeatureCount;
            var features = FloatBytes.ToFloats(answer.Features);
            if (features.Length != answer.Rows * f || answer.Labels.Length != answer.Rows)
                throw new ArgumentException($"warm start: {features.Length} feature values and {answer.Labels.Length} labels for {answer.Rows} rows × {f} features");
            for (int start = 0; start < answer.Rows; start += _options.MaxBatchSize)
            {
                int rows = Math.Min(_options.MaxBatchSize, answer.Rows - start);
                await learner.LearnAsync(features.AsMemory(start * f, rows * f), rows, answer.Labels.AsMemory(start, rows));
            }
            LogWarmStarted(Key, answer.Rows, group, answer.TeacherVersion);
            return answer.Rows;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogWarmStartSkipped(Key, group, e.GetType().Name, e.Message);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Student {Key}: warm start from teacher {Group} (version {TeacherVersion}): {Rows} rows learned before its first event")]
    private partial void LogWarmStarted(string key, int rows, string group, int teacherVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Student {Key}: no warm start from teacher {Group} ({Kind}: {Message}); the model starts cold")]
    private partial void LogWarmStartSkipped(string key, string group, string kind, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Student {Key}: teacher {Group} unavailable ({Kind}: {Message}); learning goes on without distillation")]
    private partial void LogTeacherUnavailable(string key, string group, string kind, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Student {Key}: a learning step failed; deactivating to resume from the last durable state")]
    private partial void LogStepFailed(Exception exception, string key);
}
