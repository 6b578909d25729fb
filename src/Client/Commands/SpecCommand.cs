using System.Text.Json;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;
using StreamLabel.Grains;

namespace StreamLabel.Client.Commands;

/// <summary>
/// `streamlabel spec show KEY` / `spec set KEY [--file spec.json] [--features N] [--classes a,b] ...`.
/// `set` starts from the current spec (or the file), changes only the given fields, and sends it; the grain bumps the version.
/// </summary>
internal static class SpecCommand
{
    private static readonly string[] SetOptions =
    [
        "--file", "--features", "--classes", "--hidden", "--optimizer", "--learning-rate", "--smoothing", "--smoothing-convention",
        "--self-correction", "--drift-detector", "--distillation-weight", "--temperature", "--teacher-group",
    ];

    public static async Task<int> RunAsync(string[] args, CommandIO io)
    {
        string verb = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0]
            : throw new UsageException("spec: expected `spec show KEY` or `spec set KEY [options]`");
        if (verb is not ("show" or "set")) throw new UsageException($"spec: unknown subcommand '{verb}' (expected show or set)");
        var parsed = ClusterCommand.Parse($"spec {verb}", args[1..], verb == "set" ? SetOptions : []);
        string key = parsed.Positional(0, "model KEY");
        parsed.NoMorePositionals(1);
        Func<ModelSpec?, ModelSpec>? change = verb == "set" ? Changes(parsed, key) : null;
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var view = change is null ? await q.SpecAsync(key) : await q.SetSpecAsync(key, change);
            if (parsed.Json) { Json.Write(io.Out, view); return 0; }
            if (view.Spec is null)
            {
                io.Out.WriteLine($"{key}: no spec yet (set one with `streamlabel spec set {key} --features N --classes a,b`)");
                return 0;
            }
            var s = view.Spec;
            new Table("FIELD", "VALUE")
                .Add("key", key).Add("version", s.Version).Add("feature count", s.FeatureCount).Add("classes", string.Join(",", s.Classes))
                .Add("hidden layers", s.HiddenLayers.Count == 0 ? "(none: linear)" : string.Join(",", s.HiddenLayers))
                .Add("optimizer", s.Optimizer).Add("learning rate", s.LearningRate).Add("smoothing", s.Smoothing)
                .Add("smoothing convention", s.SmoothingConvention).Add("self-correction", s.SelfCorrection).Add("drift detector", s.DriftDetector)
                .Add("distillation weight", s.DistillationWeight).Add("temperature", s.Temperature).Add("teacher group", s.TeacherGroup ?? "(none)")
                .Write(io.Out);
            return 0;
        });
    }

    /// <summary>Validates the flags now (usage errors before connecting); applies them once the current spec is known.</summary>
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
        int? features = a.Integer("--features", 1, 1_000_000);
        var classes = a.Value("--classes")?.Split(',', StringSplitOptions.TrimEntries);
        if (classes is not null && (classes.Length < 2 || classes.Any(string.IsNullOrEmpty) || classes.Distinct().Count() != classes.Length))
            throw new UsageException("spec set: --classes needs at least two distinct, non-empty class names, e.g. --classes DOWN,UP");
        int[]? hidden = null;
        if (a.Value("--hidden") is { } h)
            hidden = h is "" or "none" ? [] : h.Split(',', StringSplitOptions.TrimEntries).Select(x =>
                int.TryParse(x, out var n) && n > 0 ? n : throw new UsageException($"spec set: --hidden expects positive layer widths like 32,16, got '{x}'")).ToArray();
        double? lr = a.Number("--learning-rate", 1e-9, 10);
        double? smoothing = a.Number("--smoothing", 0, 0.999);
        double? distill = a.Number("--distillation-weight", 0, 1);
        double? temperature = a.Number("--temperature", 1e-3, 1000);
        bool? selfCorrection = a.Boolean("--self-correction");
        string? optimizer = a.Value("--optimizer"), convention = a.Value("--smoothing-convention"), detector = a.Value("--drift-detector");
        string? group = a.Value("--teacher-group");
        if (!a.Has("--file") && !SetOptions.Skip(1).Any(a.Has))
            throw new UsageException($"spec set: nothing to set; give --file or at least one of {string.Join(", ", SetOptions.Skip(1))}");

        return current =>
        {
            var baseSpec = fromFile ?? current;
            if (baseSpec is null && (features is null || classes is null))
                throw new UsageException($"spec set: model '{key}' has no spec yet, so --features and --classes are required");
            var s = baseSpec ?? new ModelSpec(features!.Value, classes!, []);
            return s with
            {
                FeatureCount = features ?? s.FeatureCount,
                Classes = classes ?? s.Classes,
                HiddenLayers = hidden ?? s.HiddenLayers,
                Optimizer = optimizer ?? s.Optimizer,
                LearningRate = lr ?? s.LearningRate,
                Smoothing = smoothing ?? s.Smoothing,
                SmoothingConvention = convention ?? s.SmoothingConvention,
                SelfCorrection = selfCorrection ?? s.SelfCorrection,
                DriftDetector = detector ?? s.DriftDetector,
                DistillationWeight = distill ?? s.DistillationWeight,
                Temperature = temperature ?? s.Temperature,
                TeacherGroup = group is null ? s.TeacherGroup : group is "" or "none" ? null : group,
            };
        };
    }
}
