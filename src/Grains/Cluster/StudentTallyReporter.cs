using Microsoft.Extensions.Logging;

namespace StreamLabel.Grains.Cluster;

/// <summary>Reports this silo's <see cref="StudentTally"/> to <see cref="IStudentTotalsGrain"/> every
/// <see cref="Interval"/> while the silo is active, and records its students' counts in the registry when it shuts down.</summary>
internal sealed partial class StudentTallyReporter(StudentTally tally, IGrainFactory grains, ILocalSiloDetails silo,
    IClusterMembershipService membership, ILogger<StudentTallyReporter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How long a shutdown waits for the registry to take its students' counts.</summary>
    public static readonly TimeSpan ShutdownRecordTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StudentTallyReporter), ServiceLifecycleStage.Active, _ =>
        {
            _loop = Task.Run(LoopAsync, CancellationToken.None);
            return Task.CompletedTask;
        }, async _ =>
        {
            await _stop.CancelAsync();
            await _loop;
            await RecordForShutdownAsync();
        });

    private async Task LoopAsync()
    {
        var totals = grains.GetGrain<IStudentTotalsGrain>(0);
        string address = silo.SiloAddress.ToParsableString();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await totals.ReportAsync(address, tally.Snapshot(DateTimeOffset.UtcNow));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogReportFailed(e.Message); // the next report comes in Interval; status meanwhile shows the last one
            }
            try { await Task.Delay(Interval, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>
    /// Students deactivated by a shutdown do not record their counts one by one (thousands of calls while the silo
    /// stops), and status stops counting this silo's reports once it leaves: the registry takes them all here, in a
    /// call per shard, so idle students stay counted until they activate elsewhere. Not on the last silo, where the
    /// registry has nowhere to live; what a student learns after this is recorded when it next activates.
    /// </summary>
    private async Task RecordForShutdownAsync()
    {
        var seen = tally.SeenByKey();
        bool anotherSilo = membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress));
        if (seen.Count == 0 || !anotherSilo) return;
        try
        {
            await ModelRegistry.RecordAllEventsSeenAsync(grains, seen).WaitAsync(ShutdownRecordTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogShutdownRecordFailed(seen.Count, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Student totals report failed: {Error}")]
    private partial void LogReportFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutting down: could not record {Students} students' events seen in the registry ({Error}); status counts them again when they next activate")]
    private partial void LogShutdownRecordFailed(int students, string error);
}
