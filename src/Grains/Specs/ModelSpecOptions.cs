using Microsoft.Extensions.Configuration;
using StreamLabel.Specs;

namespace StreamLabel.Grains.Specs;

/// <summary>
/// Configuration section "Models": which spec a model key gets before any client command sets one. Patterns are
/// matched in order; '*' matches any run of characters. Each pattern takes any <see cref="ModelSpec"/> field by its
/// name (<see cref="SpecFields"/>; defaults are the spec's), e.g.
/// "Models": { "Patterns": [ { "Pattern": "elec2*", "FeatureCount": 8, "Classes": ["DOWN","UP"], "HiddenLayers": [32],
/// "Optimizer": "adam", "DriftDetector": "page-hinkley", "LaggedLabels": true } ] }.
/// An empty JSON array binds as absent (the configuration system drops it), so HiddenLayers: [] keeps the default
/// [32]; a logistic-regression model (no hidden layer) is set with `streamlabel spec set --hidden none`.
/// </summary>
public sealed class ModelSpecOptions
{
    public const string Section = "Models";

    public List<ModelSpecPattern> Patterns { get; set; } = [];

    /// <summary>Every pattern that names no key pattern or gives a spec no model can be built from, each naming it.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        for (int i = 0; i < Patterns.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Patterns[i].Pattern)) problems.Add($"Models:Patterns:{i}:Pattern is required");
            try { ModelSpecValidator.ThrowIfInvalid(Patterns[i].Spec, $"Models:Patterns:{i}"); }
            catch (ArgumentException e) { problems.Add(e.Message.Replace($" (Parameter '{e.ParamName}')", "")); }
        }
        return problems;
    }

    /// <summary>Reads section "Models" through the spec's field table; an unknown or malformed field throws an
    /// <see cref="ArgumentException"/> naming its configuration key.</summary>
    public static ModelSpecOptions Read(IConfiguration configuration)
    {
        var options = new ModelSpecOptions();
        foreach (var (entry, i) in configuration.GetSection(Section).GetSection("Patterns").GetChildren().Select((e, i) => (e, i)))
        {
            string where = $"{Section}:Patterns:{entry.Key}";
            var pattern = entry["Pattern"];
            if (string.IsNullOrWhiteSpace(pattern)) throw new ArgumentException($"{where}:Pattern is required", nameof(configuration));
            int maxKeys = 0;
            if (entry["MaxKeys"] is { } max && (!int.TryParse(max, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out maxKeys) || maxKeys < 0))
                throw new ArgumentException($"{where}:MaxKeys must be a whole number >= 0 (got '{max}'; 0 = no cap)", nameof(configuration));
            var spec = new ModelSpec();
            foreach (var setting in entry.GetChildren().Where(c => c.Key is not ("Pattern" or "MaxKeys")))
            {
                var field = SpecFields.ByName(setting.Key)
                    ?? throw new ArgumentException($"{where}:{setting.Key} is not a spec field (fields: {SpecFields.Names})", setting.Key);
                var items = setting.GetChildren().ToList();
                object? value = items.Count > 0
                    ? field.ParseItems(items.OrderBy(c => int.TryParse(c.Key, out var n) ? n : int.MaxValue).Select(c => c.Value ?? "").ToArray(), $"{where}:{setting.Key}")
                    : field.Parse(setting.Value ?? "", $"{where}:{setting.Key}");
                spec = field.With(spec, value);
            }
            options.Patterns.Add(new ModelSpecPattern(pattern, spec, maxKeys));
        }
        return options;
    }
}

/// <summary>One key pattern ('*' matches any run of characters) and the spec it gives; at most <paramref name="MaxKeys"/>
/// keys get it (0 = no cap), so a producer that invents keys cannot create models without end.</summary>
public sealed record ModelSpecPattern(string Pattern, ModelSpec Spec, int MaxKeys = 0);
