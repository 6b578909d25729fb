using StreamLabel.Specs;

// Namespace kept from when the spec lived in the grain abstractions: grain storage names the type
// "StreamLabel.Grains.ModelSpec, StreamLabel.Grains.Abstractions", and that assembly forwards the name here.
namespace StreamLabel.Grains;

/// <summary>
/// What a model is: its input width, class list, architecture, learning hyperparameters (<see cref="Hyperparameters"/>)
/// and teacher group. Given by configuration (Models:Patterns) or by `streamlabel spec set`, both through
/// <see cref="SpecFields"/>. Changing any field bumps <see cref="Version"/>.
/// </summary>
public sealed record ModelSpec : Hyperparameters
{
    public ModelSpec() { }

    public ModelSpec(int featureCount, IReadOnlyList<string> classes, IReadOnlyList<int> hiddenLayers)
    {
        FeatureCount = featureCount;
        Classes = classes;
        HiddenLayers = hiddenLayers;
    }

    // Kept as arrays: the spec is passed as it is within a silo, and grain storage (JSON) records a list's runtime
    // type; a compiler-made list (from `[32]`) was written but could not be read back.

    /// <summary>Class labels, in the order of the model's outputs (required: at least 2, distinct, non-empty).</summary>
    [SpecFlag("classes")]
    public IReadOnlyList<string> Classes { get; init => field = AsArray(value); } = [];

    /// <summary>Hidden layer widths (empty = logistic regression). Default [32].</summary>
    [SpecFlag("hidden")]
    public IReadOnlyList<int> HiddenLayers { get; init => field = AsArray(value); } = new[] { 32 };

    /// <summary>Loss-based weights and progressive label correction (tuning: the learning core's defaults). Default true.</summary>
    public bool SelfCorrection { get; init; } = true;

    /// <summary>Teacher group whose soft targets the student distills; null = no teacher. Default "default".</summary>
    public string? TeacherGroup { get; init; } = "default";

    /// <summary>
    /// Online tuning of the regularizers: off (default) or bandit (every arm of <see cref="TuningArms"/> learns as a
    /// shadow learner in one batched step, and the arm with the best reward on the incoming labels is served). Not with
    /// lagged labels or the drift challenger.
    /// </summary>
    public TuningMode Tuning { get; init; }

    /// <summary>The arms a tuned model chooses from, comma-separated (see <see cref="TuningArmNames.Known"/>); the first
    /// is served until another proves better. One text value, so specs still compare by value. Default
    /// spec,plain,careful,quick.</summary>
    public string TuningArms { get; init; } = string.Join(",", TuningArmNames.Default);

    /// <summary>The names in <see cref="TuningArms"/>, in order.</summary>
    public IReadOnlyList<string> TuningArmList() => (TuningArms ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Set by the student grain: 1 for the first spec, +1 for each change.</summary>
    public int Version { get; init; } = 1;

    protected override string SpecName => nameof(ModelSpec);

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="where"/> and the first bad field.</summary>
    public ModelSpec Validate(string where = "spec")
    {
        try
        {
            if (Classes is null) Bad(nameof(Classes), "null", "is required");
            if (Classes!.Count < 2 || Classes.Any(string.IsNullOrEmpty)) Bad(nameof(Classes), string.Join(",", Classes), "needs at least two distinct, non-empty class names");
            if (Classes.Distinct(StringComparer.Ordinal).Count() != Classes.Count) Bad(nameof(Classes), string.Join(",", Classes), "has duplicates");
            if (Classes.FirstOrDefault(c => c.Length > SpecLimits.MaxClassNameLength) is { } longName)
                Bad(nameof(Classes), $"a name of {longName.Length} characters", $"must hold names of at most {SpecLimits.MaxClassNameLength} characters");
            if (HiddenLayers is null) Bad(nameof(HiddenLayers), "null", "must be a list (empty = logistic regression)");
            for (int i = 0; i < HiddenLayers!.Count; i++)
                if (HiddenLayers[i] <= 0) Bad($"{nameof(HiddenLayers)}[{i}]", HiddenLayers[i], "must be > 0");
            if (TeacherGroup is { } g && string.IsNullOrWhiteSpace(g)) Bad(nameof(TeacherGroup), $"'{g}'", "must be null (no teacher) or a name");
            ValidateHyperparameters();
            ValidateShape(nameof(Classes), Classes.Count, HiddenLayers);
            if (!Enum.IsDefined(Tuning)) Bad(nameof(Tuning), Tuning, $"must be one of: {string.Join(", ", SpecNames.All<TuningMode>())}");
            var arms = TuningArmList();
            if (arms.Count == 0) Bad(nameof(TuningArms), "none", "needs at least one arm");
            foreach (var arm in arms)
                if (!TuningArmNames.Known.Contains(arm)) Bad(nameof(TuningArms), arm, $"names an unknown arm; known: {string.Join(", ", TuningArmNames.Known)}");
            if (arms.Distinct(StringComparer.Ordinal).Count() != arms.Count) Bad(nameof(TuningArms), TuningArms, "has duplicates");
            if (Tuning == TuningMode.Bandit && (LaggedLabels || DriftChallengerEvents > 0))
                Bad(nameof(Tuning), "bandit", "cannot be combined with LaggedLabels or DriftChallengerEvents (arms share one model bank)");
            return this;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{where}: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}", e.ParamName, e);
        }
    }

    // An array is kept as it is (so `spec with { Classes = other.Classes }` keeps reference equality of the lists).
    private static T[] AsArray<T>(IReadOnlyList<T> list) => list as T[] ?? [.. list];
}
