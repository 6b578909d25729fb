using System.CommandLine;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel models`: one row per model key.</summary>
internal static class ModelsCommand
{
    public static Command Create(CommandIO io) =>
        ClusterCommand.Create("models", "one row per model key", parsed => RunAsync(parsed, io));

    private static async Task<int> RunAsync(ParsedArgs parsed, CommandIO io)
    {
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var rows = await q.ModelsAsync();
            if (parsed.Json) { Json.Write(io.Out, rows); return 0; }
            var table = new Table("KEY", "SEEN", "LEARNED", "ACC", "WINDOW", "CORRECTIONS", "DOWNWEIGHTS", "DRIFTS", "VERSION", "TEACHER", "STALE_S");
            foreach (var r in rows)
                table.Add(r.Key, r.EventsSeen, r.EventsLearned, Table.Percent(r.Accuracy), Table.Percent(r.WindowAccuracy), r.Corrections,
                    r.DownWeights, r.DriftEvents, r.ModelVersion, r.TeacherVersion, r.TeacherStalenessSeconds);
            table.Write(io.Out);
            return 0;
        });
    }
}
