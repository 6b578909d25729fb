using System.Globalization;

namespace StreamLabel.Specs;

/// <summary>
/// What the learning step uses, with its defaults, in one place. <c>ModelSpec</c> (what operators set) and the learning
/// core's <c>LearnerSpec</c> both derive from it, so a new hyperparameter is declared here once and reaches the
/// configuration, the command line, JSON and the step without being copied field by field.
/// </summary>
public abstract record Hyperparameters
{
    /// <summary>Number of numeric input features per event (required, 1 to <see cref="SpecLimits.MaxFeatureCount"/>).</summary>
    [SpecFlag("features")]
    public int FeatureCount { get; init; }

    /// <summary>The optimizer. Default adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Step size of the optimizer. Default 0.005.</summary>
    public double LearningRate { get; init; } = 0.005;

    /// <summary>L2 weight decay added to the gradient (PyTorch's coupled form). Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Label smoothing e in [0, 1) applied to the hard-label term. Default 0.05.</summary>
    public double Smoothing { get; init; } = 0.05;

    /// <summary>How smoothing spreads e over the classes. Default uniform (PyTorch's).</summary>
    public SmoothingConvention SmoothingConvention { get; init; } = SmoothingConvention.Uniform;

    /// <summary>Detector on the prequential error stream. Default adwin.</summary>
    public DriftDetectorKind DriftDetector { get; init; } = DriftDetectorKind.Adwin;

    /// <summary>
    /// Learning-rate multiplier after a detected drift: b = 1 + (boost - 1)·m_before (the maturity the drift ended,
    /// so frequent small drifts get little), then scale = 1 + (b - 1)·(1 - maturity), decaying back to 1 as the new
    /// concept matures. Default 2; 1 = off. Speeds up relearning after an abrupt change.
    /// </summary>
    public double DriftBoost { get; init; } = 2;

    /// <summary>Weight a of the distillation term in [0, 1] when a teacher batch is supplied. Default 0.3.</summary>
    public double DistillationWeight { get; init; } = 0.3;

    /// <summary>Distillation temperature T &gt; 0. Default 2.</summary>
    public double Temperature { get; init; } = 2.0;

    /// <summary>
    /// Appends a one-hot of the previous observed label of the stream (the training label of the event before; the
    /// last known one for unlabeled rows; zeros before the first) to the input: K extra inputs. Lets the model use
    /// label autocorrelation (what the no-change baseline exploits). Within a micro-batch row i sees row i-1's label,
    /// so it assumes earlier rows' labels are known before later rows are predicted. A student-only input: a group
    /// teacher learns from shuffled samples of many keys, where "the previous label" means nothing. Default false.
    /// </summary>
    public bool LaggedLabels { get; init; }

    /// <summary>
    /// Drift challenger horizon in labeled events; 0 = off (default). After a detected drift a fresh learner of the
    /// same spec trains on the same events; it is adopted once, after at least 128 labeled events, it has been right on
    /// 10 points more of them since the drift, else dropped after this many events. Compute doubles only while a
    /// challenger runs. A student-only setting, like <see cref="LaggedLabels"/>.
    /// </summary>
    public int DriftChallengerEvents { get; init; }

    /// <summary>The name error messages give this spec ("LearnerSpec", "ModelSpec").</summary>
    protected abstract string SpecName { get; }

    /// <summary>Throws an <see cref="ArgumentException"/> whose message and ParamName name the first bad field.</summary>
    protected void ValidateHyperparameters()
    {
        if (FeatureCount <= 0) Bad(nameof(FeatureCount), FeatureCount, "must be > 0");
        if (FeatureCount > SpecLimits.MaxFeatureCount) Bad(nameof(FeatureCount), FeatureCount, $"must be at most {SpecLimits.MaxFeatureCount}");
        if (!Enum.IsDefined(Optimizer)) Bad(nameof(Optimizer), Optimizer, OneOf<OptimizerKind>());
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) Bad(nameof(LearningRate), LearningRate, "must be a finite number > 0");
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay)) Bad(nameof(WeightDecay), WeightDecay, "must be >= 0");
        if (!(Smoothing >= 0 && Smoothing < 1)) Bad(nameof(Smoothing), Smoothing, "must be in [0, 1)");
        if (!Enum.IsDefined(SmoothingConvention)) Bad(nameof(SmoothingConvention), SmoothingConvention, OneOf<SmoothingConvention>());
        if (!Enum.IsDefined(DriftDetector)) Bad(nameof(DriftDetector), DriftDetector, OneOf<DriftDetectorKind>());
        if (!(DriftBoost >= 1) || !double.IsFinite(DriftBoost)) Bad(nameof(DriftBoost), DriftBoost, "must be a finite number >= 1");
        if (!(DistillationWeight >= 0 && DistillationWeight <= 1)) Bad(nameof(DistillationWeight), DistillationWeight, "must be in [0, 1]");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) Bad(nameof(Temperature), Temperature, "must be a finite number > 0");
        if (DriftChallengerEvents < 0) Bad(nameof(DriftChallengerEvents), DriftChallengerEvents, "must be >= 0 (0 = off)");
        if (DriftChallengerEvents > SpecLimits.MaxDriftChallengerEvents)
            Bad(nameof(DriftChallengerEvents), DriftChallengerEvents, $"must be at most {SpecLimits.MaxDriftChallengerEvents}");
    }

    /// <summary>The model's shape within <see cref="SpecLimits"/> (after <see cref="ValidateHyperparameters"/>, which checks
    /// the feature count): each class and hidden-layer field is named by the rule it breaks.</summary>
    protected void ValidateShape(string classesField, int classCount, IReadOnlyList<int> hiddenLayers)
    {
        if (classCount > SpecLimits.MaxClassCount) Bad(classesField, classCount, $"must have at most {SpecLimits.MaxClassCount} classes");
        if (hiddenLayers.Count > SpecLimits.MaxHiddenLayers) Bad("HiddenLayers", hiddenLayers.Count, $"must have at most {SpecLimits.MaxHiddenLayers} layers");
        for (int i = 0; i < hiddenLayers.Count; i++)
            if (hiddenLayers[i] > SpecLimits.MaxHiddenWidth) Bad($"HiddenLayers[{i}]", hiddenLayers[i], $"must be at most {SpecLimits.MaxHiddenWidth}");
        long parameters = SpecLimits.Parameters(FeatureCount, hiddenLayers, classCount);
        if (parameters > SpecLimits.MaxParameters)
            Bad("HiddenLayers", $"{parameters.ToString("N0", CultureInfo.InvariantCulture)} weights for {FeatureCount} features and {classCount} classes",
                $"must give the model at most {SpecLimits.MaxParameters.ToString("N0", CultureInfo.InvariantCulture)} weights (FeatureCount x HiddenLayers x classes)");
    }

    private static string OneOf<T>() where T : struct, Enum => $"must be one of: {string.Join(", ", SpecNames.All<T>())}";

    /// <summary>Throws the <see cref="ArgumentException"/> for a bad field: "Spec.Field rule (got value)", ParamName = field.</summary>
    protected void Bad(string field, object? value, string rule) => Throw(SpecName, field, value, rule);

    public static void Throw(string spec, string field, object? value, string rule) =>
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{spec}.{field} {rule} (got {value})"), field);
}
