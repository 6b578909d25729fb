using System.CommandLine;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;
using StreamLabel.Client.Queries;

namespace StreamLabel.Client.Commands;

/// <summary>
/// `streamlabel quarantine list` / `quarantine release KEY`: keys whose grain failed Kafka:QuarantineAfterFailedDeliveries
/// deliveries in a row; their events go to the dead-letter topic (grain-unavailable) until released. Release once the
/// cause is fixed: a key still failing is quarantined again after as many failed deliveries.
/// </summary>
internal static class QuarantineCommand
{
    public static Command Create(CommandIO io) => new("quarantine", "keys whose grain keeps failing: list them, or release one")
    {
        ClusterCommand.Create("list", "quarantined keys: partition, since, failed deliveries, events dead-lettered since", parsed => ListAsync(parsed, io)),
        ClusterCommand.Create("release", "delivers the key's new events to its grain again", parsed => ReleaseAsync(parsed, io),
            new Argument<string>("KEY") { Description = "a key listed by `streamlabel quarantine list`" }),
    };

    /// <summary>The quarantined keys as a table (also under `status`).</summary>
    public static Table AsTable(IReadOnlyList<QuarantineView> keys)
    {
        var table = new Table("QUARANTINED KEY", "PARTITION", "SINCE", "FAILED DELIVERIES", "DEAD-LETTERED");
        foreach (var q in keys) table.Add(q.Key, q.Partition, q.Since, q.FailedDeliveries, q.DeadLettered);
        return table;
    }

    private static Task<int> ListAsync(ParsedArgs parsed, CommandIO io) => ClusterCommand.RunAsync(parsed, io, async q =>
    {
        var keys = await q.QuarantinedAsync();
        if (parsed.Json) Json.Write(io.Out, keys);
        else if (keys.Count == 0) io.Out.WriteLine("no quarantined keys");
        else AsTable(keys).Write(io.Out);
        return 0;
    });

    private static Task<int> ReleaseAsync(ParsedArgs parsed, CommandIO io)
    {
        string key = parsed.Value("KEY")!;
        return ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var view = await q.ReleaseAsync(key);
            if (parsed.Json) Json.Write(io.Out, view);
            else io.Out.WriteLine($"released {key}: its new events are delivered to its grain again");
            return 0;
        });
    }
}
