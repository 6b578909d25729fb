using System.Reflection;
using StreamLabel.Grains;

namespace StreamLabel.Specs;

/// <summary>
/// The field table of <see cref="ModelSpec"/>: every public settable property except <see cref="ModelSpec.Version"/>
/// (the grain sets it). Configuration patterns and `streamlabel spec set` bind through it, so a field added to the spec
/// is settable from both without being listed again.
/// </summary>
public static class SpecFields
{
    public static IReadOnlyList<SpecField> All { get; } = typeof(ModelSpec)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is { IsPublic: true } && p.Name != nameof(ModelSpec.Version))
        .OrderBy(p => p.Name == nameof(ModelSpec.FeatureCount) ? 0 : p.Name == nameof(ModelSpec.Classes) ? 1 : p.Name == nameof(ModelSpec.HiddenLayers) ? 2 : 3)
        .Select(p => new SpecField(p))
        .ToArray();

    /// <summary>The field named <paramref name="name"/> (case-insensitive, as configuration keys are), or null.</summary>
    public static SpecField? ByName(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The field whose flag is <paramref name="flag"/> (e.g. --learning-rate), or null.</summary>
    public static SpecField? ByFlag(string flag) => All.FirstOrDefault(f => f.Flag == flag);

    /// <summary>"FeatureCount, Classes, ...": for error messages that list what is allowed.</summary>
    public static string Names => string.Join(", ", All.Select(f => f.Name));
}
