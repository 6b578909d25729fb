using StreamLabel.Specs;

namespace StreamLabel.Learning;

/// <summary>
/// Everything that shapes an <see cref="OnlineLearner"/>: the step's <see cref="Hyperparameters"/> (declared and
/// defaulted once, shared with the operator-facing <c>ModelSpec</c>) plus what only a learner needs — its class
/// count, self-correction tuning, seed and device. <see cref="Validate"/> throws an <see cref="ArgumentException"/>
/// naming the bad field.
/// </summary>
public sealed record LearnerSpec : Hyperparameters
{
    public LearnerSpec() { }

    /// <summary>A learner spec with the hyperparameters of <paramref name="settings"/> (e.g. a model spec) and this
    /// record's own defaults for the rest.</summary>
    public LearnerSpec(Hyperparameters settings) : base(settings) { }

    /// <summary>Number of classes K (required, &gt;= 2). Labels are class indices 0..K-1.</summary>
    public int ClassCount { get; init; }

    /// <summary>Hidden layer widths of the MLP (ReLU). Empty = logistic (softmax) regression. Default [32].</summary>
    public int[] HiddenLayers { get; init; } = [32];

    /// <summary>Loss-based weights and progressive label correction; see <see cref="SelfCorrectionOptions"/>.</summary>
    public SelfCorrectionOptions SelfCorrection { get; init; } = new();

    /// <summary>Seed for the initial weights (a local generator: learners in one process do not interfere).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>"auto" (CUDA when available, default), "cuda" (falls back to CPU when unavailable) or "cpu".</summary>
    public string Device { get; init; } = "auto";

    protected override string SpecName => nameof(LearnerSpec);

    /// <summary>Throws an <see cref="ArgumentException"/> whose message and ParamName name the first bad field.</summary>
    public LearnerSpec Validate()
    {
        if (ClassCount < 2) Bad(nameof(ClassCount), ClassCount, "must be >= 2");
        if (HiddenLayers is null) Bad(nameof(HiddenLayers), "null", "must be an array (empty = logistic regression)");
        for (int i = 0; i < HiddenLayers!.Length; i++)
            if (HiddenLayers[i] <= 0) Bad($"{nameof(HiddenLayers)}[{i}]", HiddenLayers[i], "must be > 0");
        if (SelfCorrection is null) Bad(nameof(SelfCorrection), "null", "must be set (use Enabled = false to turn it off)");
        SelfCorrection!.Validate();
        ValidateHyperparameters();
        ValidateShape(nameof(ClassCount), ClassCount, HiddenLayers);
        if (Device is not ("auto" or "cuda" or "cpu")) Bad(nameof(Device), Device, "must be one of: auto, cuda, cpu");
        return this;
    }

    internal static new void Bad(string field, object? value, string rule) => Throw(nameof(LearnerSpec), field, value, rule);
}
