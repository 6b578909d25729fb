namespace StreamLabel.Grains.Cluster;

/// <inheritdoc cref="IStudentTotalsGrain"/>
public sealed class StudentTotalsGrain : Grain, IStudentTotalsGrain
{
    /// <summary>A silo that has not reported this long is left out (it reports every <see cref="StudentTallyReporter.Interval"/>).</summary>
    private static readonly TimeSpan Stale = StudentTallyReporter.Interval * 5;
    private readonly Dictionary<string, (SiloStudentTotals Totals, DateTimeOffset At)> _reports = new(StringComparer.Ordinal);

    public Task ReportAsync(string silo, SiloStudentTotals totals)
    {
        _reports[silo] = (totals, DateTimeOffset.UtcNow);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, SiloStudentTotals>> GetAsync()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var silo in _reports.Where(r => now - r.Value.At > Stale).Select(r => r.Key).ToList()) _reports.Remove(silo);
        return Task.FromResult<IReadOnlyDictionary<string, SiloStudentTotals>>(_reports.ToDictionary(r => r.Key, r => r.Value.Totals));
    }
}
