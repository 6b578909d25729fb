using System.Globalization;

namespace StreamLabel.Learning.Tuning;

/// <summary>
/// One configuration of the regularizers that a <see cref="TunedLearner"/> can serve: settings that replace the
/// spec's own (null = keep the spec's). All arms of a model share its shape, seed and optimizer, so they live as slots
/// of one model bank and learn in one batched step.
/// </summary>
public sealed record TuningArm
{
    /// <summary>Shown to operators and in snapshots; unique within a set.</summary>
    public required string Name { get; init; }

    /// <summary>Label smoothing ε.</summary>
    public double? Smoothing { get; init; }

    /// <summary>Self-correction on or off.</summary>
    public bool? SelfCorrection { get; init; }

    /// <summary>Smallest sample weight w_min of self-correction (lower = stronger down-weighting).</summary>
    public double? MinWeight { get; init; }

    /// <summary>Distillation weight α.</summary>
    public double? DistillationWeight { get; init; }

    /// <summary>Distillation temperature T.</summary>
    public double? Temperature { get; init; }

    /// <summary>Multiplier of the spec's learning rate: smaller steps average label noise out, larger ones follow drift.</summary>
    public double? LearningRateScale { get; init; }

    /// <summary>The arm's learner spec: <paramref name="spec"/> with this arm's settings (validated).</summary>
    public LearnerSpec Apply(LearnerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sc = spec.SelfCorrection with
        {
            Enabled = SelfCorrection ?? spec.SelfCorrection.Enabled,
            MinWeight = MinWeight ?? spec.SelfCorrection.MinWeight,
        };
        try
        {
            return (spec with
            {
                Smoothing = Smoothing ?? spec.Smoothing, SelfCorrection = sc,
                DistillationWeight = DistillationWeight ?? spec.DistillationWeight, Temperature = Temperature ?? spec.Temperature,
                LearningRate = spec.LearningRate * (LearningRateScale ?? 1),
            }).Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"tuning arm '{Name}': {e.Message}", e);
        }
    }

    /// <summary>"name: field=value …" of the settings the arm changes.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        void Add(string field, object? value) { if (value is not null) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{field}={value}")); }
        Add("smoothing", Smoothing); Add("selfCorrection", SelfCorrection); Add("minWeight", MinWeight);
        Add("distillationWeight", DistillationWeight); Add("temperature", Temperature); Add("learningRateScale", LearningRateScale);
        return parts.Count == 0 ? Name + ": the spec's own settings" : Name + ": " + string.Join(' ', parts);
    }
}
