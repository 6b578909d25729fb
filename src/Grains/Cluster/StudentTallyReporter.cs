using Microsoft.Extensions.Logging;

namespace StreamLabel.Grains.Cluster;

/// <summary>Reports this silo's <see cref="StudentTally"/> to <see cref="IStudentTotalsGrain"/> every
/// <see cref="Interval"/> while the silo is active.</summary>
internal sealed partial class StudentTallyReporter(StudentTally tally, IGrainFactory grains, ILocalSiloDetails silo, ILogger<StudentTallyReporter> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Student totals report failed: {Error}")]
    private partial void LogReportFailed(string error);
}
