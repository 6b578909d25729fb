using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;
using StreamLabel.Grains;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel teacher load FILE [--group G]` / `teacher status [--group G]` (all groups when none is given).</summary>
internal static class TeacherCommand
{
    public static async Task<int> RunAsync(string[] args, CommandIO io)
    {
        string verb = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0]
            : throw new UsageException("teacher: expected `teacher load FILE [--group G]` or `teacher status [--group G]`");
        var parsed = ClusterCommand.Parse($"teacher {verb}", args[1..], ["--group"]);
        string? group = parsed.Value("--group");
        if (group is "") throw new UsageException($"teacher {verb}: --group must not be empty");
        switch (verb)
        {
            case "load":
            {
                string file = parsed.Positional(0, "checkpoint FILE");
                parsed.NoMorePositionals(1);
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
            case "status":
                parsed.NoMorePositionals(0);
                return await ClusterCommand.RunAsync(parsed, io, async q =>
                {
                    var teachers = await q.TeachersAsync(group);
                    if (parsed.Json) { Json.Write(io.Out, teachers); return 0; }
                    Write(io.Out, teachers);
                    return 0;
                });
            default:
                throw new UsageException($"teacher: unknown subcommand '{verb}' (expected load or status)");
        }
    }

    private static void Write(TextWriter output, IReadOnlyList<TeacherStatus> teachers)
    {
        var table = new Table("GROUP", "VERSION", "SAMPLES", "SOFT_TARGET_REQS", "DEVICE", "SILO", "CHECKPOINT", "SILO_METADATA");
        foreach (var t in teachers)
            table.Add(t.Group, t.Version, t.SamplesLearned, t.SoftTargetRequests, t.Device, t.Silo, t.FromCheckpoint ? "yes" : "no",
                t.SiloMetadata.Count == 0 ? "-" : string.Join(",", t.SiloMetadata.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value}")));
        table.Write(output);
    }
}
