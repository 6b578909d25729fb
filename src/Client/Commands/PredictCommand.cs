using System.CommandLine;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel predict KEY --features 1,2,3`: probabilities, predicted class, model version.</summary>
internal static class PredictCommand
{
    public static Command Create(CommandIO io) =>
        ClusterCommand.Create("predict", "probabilities, predicted class, model and teacher version", parsed => RunAsync(parsed, io),
            ClusterCommand.Key(),
            CliOptions.Required("--features", "1,2,3", "comma-separated numbers, e.g. --features 0.1,2,3"));

    private static async Task<int> RunAsync(ParsedArgs parsed, CommandIO io)
    {
        string key = parsed.Value("KEY")!;
        var features = parsed.Floats("--features", parsed.Value("--features")!);
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var p = await q.PredictAsync(key, features);
            if (parsed.Json) { Json.Write(io.Out, p); return 0; }
            io.Out.WriteLine($"{p.Key}: {p.PredictedClass}   (model version {p.ModelVersion}, teacher version {Table.Format(p.TeacherVersion)})");
            var table = new Table("CLASS", "PROBABILITY");
            for (int i = 0; i < p.Probabilities.Count; i++)
                table.Add(i < p.Classes.Count ? p.Classes[i] : $"#{i}", p.Probabilities[i]);
            table.Write(io.Out);
            return 0;
        });
    }
}
