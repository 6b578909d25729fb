using StreamLabel.Learning;
using StreamLabel.Learning.Tuning;

namespace StreamLabel.Grains.Student;

public sealed partial class StudentGrain
{
    public Task<ModelMetrics> GetMetricsAsync()
    {
        var now = DateTimeOffset.UtcNow;
        double? staleness = _teacher.TargetsAt is DateTimeOffset at ? (now - at).TotalSeconds : null;
        return Task.FromResult(_metrics.View(Key, _learner?.Counters ?? new LearnerCounters(), _ledger.Applied, ModelVersion,
            _teacher.TeacherVersion, staleness, silo.SiloAddress.ToString(), now, (_learner as TunedAsyncLearner)?.Status,
            _teacher.Advantage));
    }
}
