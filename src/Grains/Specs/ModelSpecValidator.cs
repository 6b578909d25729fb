namespace StreamLabel.Grains.Specs;

/// <summary>Checks a spec before a model is built from it; messages name the bad field.</summary>
public static class ModelSpecValidator
{
    private static readonly string[] Optimizers = ["adam", "sgd"];
    private static readonly string[] Conventions = ["uniform", "others"];
    private static readonly string[] Detectors = ["adwin", "page-hinkley", "none"];

    public static IReadOnlyList<string> Validate(ModelSpec spec, string where = "spec")
    {
        var errors = new List<string>();
        if (spec.FeatureCount < 1) errors.Add($"{where}:FeatureCount must be at least 1 (was {spec.FeatureCount})");
        if (spec.Classes is null || spec.Classes.Count < 2) errors.Add($"{where}:Classes needs at least 2 classes");
        else if (spec.Classes.Distinct(StringComparer.Ordinal).Count() != spec.Classes.Count) errors.Add($"{where}:Classes has duplicates");
        if (spec.HiddenLayers.Any(h => h < 1)) errors.Add($"{where}:HiddenLayers widths must be at least 1");
        if (!Optimizers.Contains(spec.Optimizer)) errors.Add($"{where}:Optimizer '{spec.Optimizer}' is not one of {string.Join("|", Optimizers)}");
        if (!(spec.LearningRate > 0)) errors.Add($"{where}:LearningRate must be > 0");
        if (spec.Smoothing < 0 || spec.Smoothing >= 1) errors.Add($"{where}:Smoothing must be in [0, 1)");
        if (!Conventions.Contains(spec.SmoothingConvention)) errors.Add($"{where}:SmoothingConvention '{spec.SmoothingConvention}' is not one of {string.Join("|", Conventions)}");
        if (!Detectors.Contains(spec.DriftDetector)) errors.Add($"{where}:DriftDetector '{spec.DriftDetector}' is not one of {string.Join("|", Detectors)}");
        if (spec.DistillationWeight < 0 || spec.DistillationWeight > 1) errors.Add($"{where}:DistillationWeight must be in [0, 1]");
        if (!(spec.Temperature > 0)) errors.Add($"{where}:Temperature must be > 0");
        return errors;
    }

    public static void ThrowIfInvalid(ModelSpec spec, string where = "spec")
    {
        var errors = Validate(spec, where);
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
    }
}
