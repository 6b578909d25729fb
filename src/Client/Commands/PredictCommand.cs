using StreamLabel.Client.Output;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel predict KEY --features 1,2,3`: probabilities, predicted class, model version.</summary>
internal static class PredictCommand
{
    public static async Task<int> RunAsync(string[] args, CommandIO io)
    {
        var parsed = ClusterCommand.Parse("predict", args, ["--features"]);
        string key = parsed.Positional(0, "model KEY");
        parsed.NoMorePositionals(1);
        var text = parsed.Value("--features") ?? throw new Cli.UsageException("predict: --features is required (comma-separated numbers, e.g. --features 0.1,2,3)");
        var features = parsed.Floats("--features", text);
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
