using System.Globalization;

namespace StreamLabel.Learning;

/// <summary>
/// Everything that shapes an <see cref="OnlineLearner"/>. Defaults are the ones the quality bench uses for the
/// <c>full</c> variant. <see cref="Validate"/> throws an <see cref="ArgumentException"/> naming the bad field.
/// </summary>
public sealed record LearnerSpec
{
    /// <summary>Number of numeric input features per event (required, &gt; 0).</summary>
    public int FeatureCount { get; init; }

    /// <summary>Number of classes K (required, &gt;= 2). Labels are class indices 0..K-1.</summary>
    public int ClassCount { get; init; }

    /// <summary>Hidden layer widths of the MLP (ReLU). Empty = logistic (softmax) regression. Default [32].</summary>
    public int[] HiddenLayers { get; init; } = [32];

    /// <summary>"adam" (default) or "sgd".</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>Step size of the optimizer. Default 0.005.</summary>
    public double LearningRate { get; init; } = 0.005;

    /// <summary>L2 weight decay added to the gradient (PyTorch's coupled form). Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Label smoothing e in [0, 1) applied to the hard-label term. Default 0.05.</summary>
    public double Smoothing { get; init; } = 0.05;

    /// <summary>"uniform" (PyTorch: e/K to every class, default) or "others" (e/(K-1) to every other class).</summary>
    public string SmoothingConvention { get; init; } = "uniform";

    /// <summary>Loss-based weights and progressive label correction; see <see cref="SelfCorrectionOptions"/>.</summary>
    public SelfCorrectionOptions SelfCorrection { get; init; } = new();

    /// <summary>Detector on the prequential error stream: "adwin" (default), "page-hinkley" or "none".</summary>
    public string DriftDetector { get; init; } = "adwin";

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

    /// <summary>Seed for the initial weights (a local generator: learners in one process do not interfere).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>"auto" (CUDA when available, default), "cuda" (falls back to CPU when unavailable) or "cpu".</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Throws an <see cref="ArgumentException"/> whose message and ParamName name the first bad field.</summary>
    public LearnerSpec Validate()
    {
        if (FeatureCount <= 0) Bad(nameof(FeatureCount), FeatureCount, "must be > 0");
        if (ClassCount < 2) Bad(nameof(ClassCount), ClassCount, "must be >= 2");
        if (HiddenLayers is null) Bad(nameof(HiddenLayers), "null", "must be an array (empty = logistic regression)");
        for (int i = 0; i < HiddenLayers!.Length; i++)
            if (HiddenLayers[i] <= 0) Bad($"{nameof(HiddenLayers)}[{i}]", HiddenLayers[i], "must be > 0");
        if (Optimizer is not ("adam" or "sgd")) Bad(nameof(Optimizer), Optimizer, "must be one of: adam, sgd");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) Bad(nameof(LearningRate), LearningRate, "must be a finite number > 0");
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay)) Bad(nameof(WeightDecay), WeightDecay, "must be >= 0");
        if (!(Smoothing >= 0 && Smoothing < 1)) Bad(nameof(Smoothing), Smoothing, "must be in [0, 1)");
        if (SmoothingConvention is not ("uniform" or "others")) Bad(nameof(SmoothingConvention), SmoothingConvention, "must be one of: uniform, others");
        if (SelfCorrection is null) Bad(nameof(SelfCorrection), "null", "must be set (use Enabled = false to turn it off)");
        SelfCorrection!.Validate();
        if (DriftDetector is not ("adwin" or "page-hinkley" or "none")) Bad(nameof(DriftDetector), DriftDetector, "must be one of: adwin, page-hinkley, none");
        if (!(DriftBoost >= 1) || !double.IsFinite(DriftBoost)) Bad(nameof(DriftBoost), DriftBoost, "must be a finite number >= 1");
        if (!(DistillationWeight >= 0 && DistillationWeight <= 1)) Bad(nameof(DistillationWeight), DistillationWeight, "must be in [0, 1]");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) Bad(nameof(Temperature), Temperature, "must be a finite number > 0");
        if (Device is not ("auto" or "cuda" or "cpu")) Bad(nameof(Device), Device, "must be one of: auto, cuda, cpu");
        return this;
    }

    internal static void Bad(string field, object? value, string rule) =>
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"LearnerSpec.{field} {rule} (got {value})"), field);
}

/// <summary>Self-correction settings (formulas in src/Learning/README.md).</summary>
public sealed record SelfCorrectionOptions
{
    /// <summary>Turns loss-based weights and progressive correction on. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Smallest sample weight w_min in [0, 1]: weights stay in [w_min, 1]. Default 0.2.</summary>
    public double MinWeight { get; init; } = 0.2;

    /// <summary>Maturity time constant tau in learned events: maturity = 1 - exp(-n/tau), n counted since the last drift. Default 3000.</summary>
    public double MaturityEvents { get; init; } = 3000;

    /// <summary>Exponent base B of the global trust sigmoid(B (maturity - 0.5)) (ProSelfLC). Default 16.</summary>
    public double ExpBase { get; init; } = 16;

    /// <summary>Loss scale s (nats): raw weight = exp(-max(0, loss - mean loss) / s). Default 1.</summary>
    public double LossScale { get; init; } = 1;

    /// <summary>Rate of the exponential moving average of the batch-mean loss that weights compare against. Default 0.02.</summary>
    public double LossAverageRate { get; init; } = 0.02;

    internal void Validate()
    {
        if (!(MinWeight >= 0 && MinWeight <= 1)) LearnerSpec.Bad("SelfCorrection.MinWeight", MinWeight, "must be in [0, 1]");
        if (!(MaturityEvents > 0) || !double.IsFinite(MaturityEvents)) LearnerSpec.Bad("SelfCorrection.MaturityEvents", MaturityEvents, "must be a finite number > 0");
        if (!(ExpBase > 0) || !double.IsFinite(ExpBase)) LearnerSpec.Bad("SelfCorrection.ExpBase", ExpBase, "must be a finite number > 0");
        if (!(LossScale > 0) || !double.IsFinite(LossScale)) LearnerSpec.Bad("SelfCorrection.LossScale", LossScale, "must be a finite number > 0");
        if (!(LossAverageRate > 0 && LossAverageRate <= 1)) LearnerSpec.Bad("SelfCorrection.LossAverageRate", LossAverageRate, "must be in (0, 1]");
    }
}
