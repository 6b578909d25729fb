using System.CommandLine;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel models [--after KEY] [--limit N]`: one row per model key, in key order; a page with --limit.</summary>
internal static class ModelsCommand
{
    public static Command Create(CommandIO io) =>
        ClusterCommand.Create("models", "one row per model key, in key order", parsed => RunAsync(parsed, io),
            CliOptions.Value("--after", "KEY", "start after this key (the last key of the previous page)"),
            CliOptions.Value("--limit", "N", "at most N models (default all; each row asks its student, so large clusters page)"));

    private static async Task<int> RunAsync(ParsedArgs parsed, CommandIO io)
    {
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            int limit = parsed.Integer("--limit", min: 1) ?? int.MaxValue;
            var rows = await q.ModelsAsync(parsed.Value("--after"), limit);
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
