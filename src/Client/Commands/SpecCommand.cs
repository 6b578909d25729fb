using System.CommandLine;
using System.Text.Json;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;
using StreamLabel.Grains;
using StreamLabel.Specs;

namespace StreamLabel.Client.Commands;

/// <summary>
/// `streamlabel spec show KEY` / `spec set KEY [--file spec.json] [--features N] [--classes a,b] ...`: one flag per
/// spec field (<see cref="SpecFields"/>, e.g. --learning-rate, --drift-detector, --lagged-labels).
/// `set` starts from the current spec (or the file), changes only the given fields, and sends it; the grain bumps the version.
/// </summary>
internal static class SpecCommand
{
    private static readonly string[] FieldFlags = [.. SpecFields.All.Select(f => f.Flag)];

    public static Command Create(CommandIO io) => new("spec", "a model's spec: show it, or set fields of it")
    {
        ClusterCommand.Create("show", "the model's spec", parsed => RunAsync(parsed, io, set: false), ClusterCommand.Key()),
        ClusterCommand.Create("set", "sets spec fields (one flag per field); starts from the current spec or --file, sends it, bumps its version",
            parsed => RunAsync(parsed, io, set: true),
            [ClusterCommand.Key(), CliOptions.Value("--file", "spec.json", "a whole spec (JSON) to start from instead of the current one"), .. SpecFields.All.Select(FieldOption)]),
    };

    /// <summary>`spec set`'s flag for one spec field: a field added to <see cref="ModelSpec"/> gets its flag here, unlisted.</summary>
    private static Option FieldOption(SpecField field) =>
        CliOptions.Value(field.Flag, field.Accepts, $"sets ModelSpec.{field.Name}",
            field.Type.IsEnum || field.Type == typeof(bool) ? field.Accepts.Split('|') : []);

    private static async Task<int> RunAsync(ParsedArgs parsed, CommandIO io, bool set)
    {
        string key = parsed.Value("KEY")!;
        Func<ModelSpec?, ModelSpec>? change = set ? Changes(parsed, key) : null;
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var view = change is null ? await q.SpecAsync(key) : await q.SetSpecAsync(key, change);
            if (parsed.Json) { Json.Write(io.Out, view); return 0; }
            if (view.Spec is null)
            {
                io.Out.WriteLine($"{key}: no spec yet (set one with `streamlabel spec set {key} --features N --classes a,b`)");
                return 0;
            }
            var table = new Table("FIELD", "VALUE").Add("key", key).Add("version", view.Spec.Version);
            foreach (var field in SpecFields.All) table.Add(field.Flag[2..].Replace('-', ' '), field.Format(view.Spec));
            table.Write(io.Out);
            return 0;
        });
    }

    /// <summary>Parses and range-checks the flags now (usage errors before connecting); applies them once the current
    /// spec is known.</summary>
    internal static Func<ModelSpec?, ModelSpec> Changes(ParsedArgs a, string key)
    {
        ModelSpec? fromFile = null;
        if (a.Value("--file") is { } file)
        {
            if (!File.Exists(file)) throw new UsageException($"spec set: --file not found: {file}");
            try { fromFile = JsonSerializer.Deserialize<ModelSpec>(File.ReadAllText(file), Json.Options); }
            catch (JsonException e) { throw new UsageException($"spec set: --file {file} is not a valid spec: {e.Message}"); }
            if (fromFile is null) throw new UsageException($"spec set: --file {file} is empty");
        }
        var changes = new List<(SpecField Field, object? Value)>();
        foreach (var field in SpecFields.All)
            if (a.Value(field.Flag) is { } text)
                changes.Add((field, Usage(() => field.Parse(text, $"spec set: {field.Flag}"))));
        if (fromFile is null && changes.Count == 0)
            throw new UsageException($"spec set: nothing to set; give --file or at least one of {string.Join(", ", FieldFlags)}");
        // Applied to a valid default spec, only a flag can make it fail: its range is checked before connecting.
        Check(Apply(new ModelSpec(1, ["a", "b"], []), changes));

        return current =>
        {
            var baseSpec = fromFile ?? current;
            bool hasShape = changes.Any(c => c.Field.Name == nameof(ModelSpec.FeatureCount)) && changes.Any(c => c.Field.Name == nameof(ModelSpec.Classes));
            if (baseSpec is null && !hasShape)
                throw new UsageException($"spec set: model '{key}' has no spec yet, so --features and --classes are required");
            return Check(Apply(baseSpec ?? new ModelSpec(), changes));
        };
    }

    private static ModelSpec Apply(ModelSpec spec, List<(SpecField Field, object? Value)> changes) =>
        changes.Aggregate(spec, (s, c) => c.Field.With(s, c.Value));

    private static ModelSpec Check(ModelSpec spec) => Usage(() => spec.Validate("spec set"));

    private static T Usage<T>(Func<T> run)
    {
        try { return run(); }
        catch (ArgumentException e) { throw new UsageException(e.Message.Replace($" (Parameter '{e.ParamName}')", "")); }
    }
}
