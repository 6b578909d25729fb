namespace StreamLabel.Grains.Specs;

/// <summary>
/// Configuration section "Models": which spec a model key gets before any client command sets one.
/// Patterns are matched in order; '*' matches any run of characters. Example:
/// "Models": { "Patterns": [ { "Pattern": "elec2*", "FeatureCount": 8, "Classes": ["DOWN","UP"], "HiddenLayers": [32] } ] }
/// </summary>
public sealed class ModelSpecOptions
{
    public const string Section = "Models";

    public List<ModelSpecPattern> Patterns { get; set; } = [];
}

/// <summary>One key pattern and the spec it gives. Defaults match <see cref="ModelSpec"/>'s.</summary>
public sealed class ModelSpecPattern
{
    /// <summary>Key pattern; '*' matches any run of characters. Required.</summary>
    public string Pattern { get; set; } = "";
    /// <summary>Number of features per event. Required (at least 1).</summary>
    public int FeatureCount { get; set; }
    /// <summary>Class labels, in order. Required (at least 2).</summary>
    public List<string> Classes { get; set; } = [];
    /// <summary>Hidden layer widths. Default (absent) [32]. Null rather than a pre-filled list: the configuration binder
    /// appends configured items to an existing list ([32] + "HiddenLayers": [16] gave [32, 16]). An empty JSON array
    /// binds as absent; a logistic-regression model (no hidden layer) is set with `streamlabel spec set`.</summary>
    public List<int>? HiddenLayers { get; set; }

    /// <summary>The hidden layers of a pattern that names none.</summary>
    public static IReadOnlyList<int> DefaultHiddenLayers { get; } = [32];
    /// <summary>adam | sgd. Default adam.</summary>
    public string Optimizer { get; set; } = "adam";
    /// <summary>Default 0.005.</summary>
    public double LearningRate { get; set; } = 0.005;
    /// <summary>Label smoothing e in [0, 1). Default 0.05.</summary>
    public double Smoothing { get; set; } = 0.05;
    /// <summary>uniform (e/K, PyTorch's) | others (e/(K-1)). Default uniform.</summary>
    public string SmoothingConvention { get; set; } = "uniform";
    /// <summary>Default true.</summary>
    public bool SelfCorrection { get; set; } = true;
    /// <summary>adwin | page-hinkley | none. Default adwin.</summary>
    public string DriftDetector { get; set; } = "adwin";
    /// <summary>Weight a of the distillation term. Default 0.3.</summary>
    public double DistillationWeight { get; set; } = 0.3;
    /// <summary>Distillation temperature T. Default 2.</summary>
    public double Temperature { get; set; } = 2.0;
    /// <summary>Teacher group; empty = no teacher. Default "default".</summary>
    public string? TeacherGroup { get; set; } = "default";

    public ModelSpec ToSpec() => new(FeatureCount, Classes.ToArray(), (HiddenLayers ?? DefaultHiddenLayers).ToArray(), Optimizer, LearningRate, Smoothing,
        SmoothingConvention, SelfCorrection, DriftDetector, DistillationWeight, Temperature,
        string.IsNullOrWhiteSpace(TeacherGroup) ? null : TeacherGroup);
}
