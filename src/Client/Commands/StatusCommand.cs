using System.CommandLine;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel status`: silos with metadata, model count, events/s, consumer lag, dead letters, quarantined keys.</summary>
internal static class StatusCommand
{
    public static Command Create(CommandIO io) =>
        ClusterCommand.Create("status", "silos, models, events/s, consumer lag, dead letters, quarantined keys", parsed => RunAsync(parsed, io));

    private static async Task<int> RunAsync(ParsedArgs parsed, CommandIO io)
    {
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var s = await q.StatusAsync();
            if (parsed.Json) { Json.Write(io.Out, s); return 0; }
            var silos = new Table("SILO", "ADDRESS", "STATUS", "STARTED", "METADATA");
            foreach (var silo in s.Silos)
                silos.Add(silo.Name, silo.Address, silo.Status, silo.StartTime,
                    silo.Metadata.Count == 0 ? "-" : string.Join(",", silo.Metadata.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value}")));
            silos.Write(io.Out);
            io.Out.WriteLine();
            io.Out.WriteLine($"models: {s.Models}   events seen: {s.EventsSeen:N0}   events/s: {s.EventsPerSecond:N1}   " +
                $"consumer lag: {Table.Format(s.ConsumerLag)}   dead letters: {Table.Format(s.DeadLetters)}");
            if (s.Quarantined.Count > 0)
            {
                io.Out.WriteLine();
                QuarantineCommand.AsTable(s.Quarantined).Write(io.Out);
            }
            if (s.ClusterInfoError is not null) io.Error.WriteLine($"note: {s.ClusterInfoError}");
            return 0;
        });
    }
}
