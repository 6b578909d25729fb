using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace StreamLabel.Grains.Specs;

/// <summary>Finds the configured spec for a model key (first matching pattern), validating it once.</summary>
public sealed class ModelSpecResolver
{
    private readonly List<(Regex Regex, ModelSpecPattern Entry)> _patterns;

    public ModelSpecResolver(IOptions<ModelSpecOptions> options)
    {
        _patterns = options.Value.Patterns.Select((p, i) =>
        {
            if (string.IsNullOrWhiteSpace(p.Pattern)) throw new InvalidOperationException($"Models:Patterns:{i}:Pattern is required");
            ModelSpecValidator.ThrowIfInvalid(p.Spec, $"Models:Patterns:{i}");
            var regex = new Regex("^" + Regex.Escape(p.Pattern).Replace("\\*", ".*") + "$", RegexOptions.CultureInvariant);
            return (regex, p);
        }).ToList();
    }

    public ModelSpec? Find(string key) => Match(key)?.Spec;

    /// <summary>The first pattern entry that matches the key, or null.</summary>
    public ModelSpecPattern? Match(string key) => _patterns.FirstOrDefault(p => p.Regex.IsMatch(key)).Entry;
}
