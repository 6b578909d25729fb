namespace StreamLabel.Grains;

/// <summary>
/// Where each silo reports its active students' totals every second (key 0), so cluster totals need no call
/// to any student. Kept in memory only: a lost activation is filled again by the next reports.
/// </summary>
public interface IStudentTotalsGrain : IGrainWithIntegerKey
{
    Task ReportAsync(string silo, SiloStudentTotals totals);

    /// <summary>The latest report of each silo that reported recently.</summary>
    Task<IReadOnlyDictionary<string, SiloStudentTotals>> GetAsync();
}

/// <summary>One silo's active students: how many, the events their current models saw in all, the part of those seen
/// since they activated (what their registry shard does not know yet), and the silo's events per second.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.silo-student-totals.v1")]
public sealed record SiloStudentTotals(
    [property: Id(0)] int ActiveModels,
    [property: Id(1)] long EventsSeen,
    [property: Id(2)] long EventsSeenSinceActivation,
    [property: Id(3)] double EventsPerSecond);

/// <summary>Cluster-wide student totals for `status`: registered models, events seen by their current models (the
/// registry shards' counts as of each student's last deactivation plus what active students saw since), events per
/// second, and how many students are active now.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.student-totals.v1")]
public sealed record StudentTotals(
    [property: Id(0)] int Models,
    [property: Id(1)] long EventsSeen,
    [property: Id(2)] double EventsPerSecond,
    [property: Id(3)] int ActiveModels);
