using Microsoft.Extensions.Logging;

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Student {Key}: teacher {Group} unavailable ({Kind}: {Message}); learning goes on without distillation")]
    private partial void LogTeacherUnavailable(string key, string group, string kind, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Student {Key}: a learning step failed; deactivating to resume from the last durable state")]
    private partial void LogStepFailed(Exception exception, string key);
}
