using Microsoft.Extensions.Logging;

namespace StreamLabel.Grains.Student;

public sealed partial class StudentGrain
{
    /// <summary>
    /// Forwards recent labeled samples to the teacher and pulls its soft targets for the buffered rows, in one bounded
    /// round trip. Runs interleaved with deliveries (a timer with Interleave), so learning never waits for it; a slow
    /// or missing teacher only makes the soft targets stale, and distillation pauses until fresh ones arrive.
    /// </summary>
    private async Task PullTeacherAsync(CancellationToken cancellationToken)
    {
        var spec = state.State.Spec;
        if (_learner is null || _distillation is null || spec?.TeacherGroup is null || _pullInFlight) return;
        var (features, labels, rows) = _distillation.Snapshot();
        if (rows == 0) return;
        _pullInFlight = true;
        _eventsSincePull = 0;
        try
        {
            var teacher = GrainFactory.GetGrain<ITeacherGrain>(spec.TeacherGroup);
            var (forward, forwardLabels, forwardRows) = _distillation.TakeUnforwarded(_options.ForwardRowsPerPull);
            if (forwardRows > 0)
                await teacher.ForwardSamplesAsync(new TeacherSamples(Key, FloatBytes.ToBytes(forward), forwardLabels, spec.FeatureCount, spec))
                    .WaitAsync(_options.TeacherTimeout, cancellationToken);
            var response = await teacher.GetSoftTargetsAsync(new SoftTargetsRequest(Key, FloatBytes.ToBytes(features), rows,
                    spec.FeatureCount, spec.Temperature, _distillation.TeacherVersion))
                .WaitAsync(_options.TeacherTimeout, cancellationToken);
            meters.TeacherPulls.Add(1);
            if (response.Ready && response.Rows == rows && response.ClassCount == spec.Classes.Count)
            {
                _distillation.SetTargets(features, FloatBytes.ToFloats(response.Probabilities), rows, response.ClassCount,
                    response.TeacherVersion, DateTimeOffset.UtcNow);
                state.State.History.TeacherVersion = response.TeacherVersion;
            }
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or OperationCanceledException or ArgumentException)
        {
            meters.TeacherPullFailures.Add(1);
            LogTeacherUnavailable(Key, spec.TeacherGroup, e.GetType().Name, e.Message);
        }
        finally
        {
            _pullInFlight = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Student {Key}: teacher {Group} unavailable ({Kind}: {Message}); learning goes on without distillation")]
    private partial void LogTeacherUnavailable(string key, string group, string kind, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Student {Key}: a learning step failed; deactivating to resume from the last durable state")]
    private partial void LogStepFailed(Exception exception, string key);
}
