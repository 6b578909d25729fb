using StreamLabel.Grains.Student;

namespace StreamLabel.Grains.Specs;

/// <summary>
/// Checks a spec before a model is built from it; messages name where the spec came from and the bad field.
/// Value ranges (optimizer, smoothing, detector, ...) are the learning core's rules, checked by building its
/// <c>LearnerSpec</c>; only what the core cannot see — the class names themselves — is checked here.
/// </summary>
public static class ModelSpecValidator
{
    public static void ThrowIfInvalid(ModelSpec spec, string where = "spec")
    {
        if (spec.Classes is null || spec.HiddenLayers is null)
            throw new ArgumentException($"{where}: Classes and HiddenLayers are required");
        if (spec.Classes.Distinct(StringComparer.Ordinal).Count() != spec.Classes.Count)
            throw new ArgumentException($"{where}: Classes has duplicates ({string.Join(",", spec.Classes)})");
        try
        {
            LearnerSpecs.ForStudent(spec, key: "");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{where}: {e.Message}", e.ParamName, e);
        }
    }
}
