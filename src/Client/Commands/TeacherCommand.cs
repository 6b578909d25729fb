using System.CommandLine;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;
using StreamLabel.Grains;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel teacher load FILE [--group G]` / `teacher status [--group G]` (all groups when none is given).</summary>
internal static class TeacherCommand
{
    public static Command Create(CommandIO io) => new("teacher", "teacher groups: load a checkpoint, or show their status")
    {
        ClusterCommand.Create("load", "loads a checkpoint (learning-core snapshot bytes) into a teacher group", parsed => LoadAsync(parsed, io),
            new Argument<string>("FILE") { Description = "checkpoint FILE (a learning-core ReplayTeacher snapshot)" }, Group("default")),
        ClusterCommand.Create("status", "one teacher group, or every group in the registry", parsed => StatusAsync(parsed, io), Group("every registered group")),
    };

    private static Option<string> Group(string otherwise) => CliOptions.Value("--group", "G", $"teacher group (default: {otherwise})");

    private static string? GroupOf(ParsedArgs parsed)
    {
        string? group = parsed.Value("--group");
        return group is "" ? throw new UsageException($"{parsed.Command}: --group must not be empty") : group;
    }

    private static async Task<int> LoadAsync(ParsedArgs parsed, CommandIO io)
    {
        string? group = GroupOf(parsed);
        string file = parsed.Value("FILE")!;
        if (!File.Exists(file)) throw new UsageException($"teacher load: checkpoint file not found: {file}");
        var bytes = await File.ReadAllBytesAsync(file, io.Cancellation);
        if (bytes.Length == 0) throw new UsageException($"teacher load: checkpoint file is empty: {file}");
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var status = await q.LoadTeacherAsync(group ?? "default", bytes);
            if (parsed.Json) { Json.Write(io.Out, status); return 0; }
            io.Out.WriteLine($"loaded {bytes.Length:N0} bytes into teacher '{status.Group}': now version {status.Version} on {status.Silo} ({status.Device})");
            return 0;
        });
    }

    private static async Task<int> StatusAsync(ParsedArgs parsed, CommandIO io)
    {
        string? group = GroupOf(parsed);
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var teachers = await q.TeachersAsync(group);
            if (parsed.Json) { Json.Write(io.Out, teachers); return 0; }
            Write(io.Out, teachers);
            return 0;
        });
    }

    private static void Write(TextWriter output, IReadOnlyList<TeacherStatus> teachers)
    {
        var table = new Table("GROUP", "KIND", "VERSION", "SAMPLES", "ACCURACY", "STUDENTS", "SOFT_TARGET_REQS", "DEVICE", "SILO", "CHECKPOINT", "SILO_METADATA");
        foreach (var t in teachers)
            table.Add(t.Group, t.Kind, t.Version, t.SamplesLearned, Table.Percent(t.Accuracy), t.Students?.Count ?? 0, t.SoftTargetRequests, t.Device, t.Silo, t.FromCheckpoint ? "yes" : "no",
                t.SiloMetadata.Count == 0 ? "-" : string.Join(",", t.SiloMetadata.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value}")));
        table.Write(output);
    }
}
