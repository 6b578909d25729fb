namespace StreamLabel.Learning.Tuning;

/// <summary>
/// How a <see cref="TunedLearner"/> chooses the arm it serves. Rewards are prequential accuracies on the incoming
/// labels (noisy ones: under class-conditional noise their ranking is the clean one's), discounted so old evidence
/// fades; the held arm changes only on a paired sign test over the rows where the two arms disagree.
/// </summary>
public sealed record TuningOptions
{
    /// <summary>Arms the policy may serve; the first is served until another proves better. Default <see cref="TuningArms.Default"/>.</summary>
    public IReadOnlyList<TuningArm> Arms { get; init; } = TuningArms.Default;

    /// <summary>Arms that keep learning (the compute budget); beyond it the worst rewarded arms are paused. Default 4.</summary>
    public int LiveArms { get; init; } = 4;

    /// <summary>Labeled events after which a reward's weight halves. Default 4000.</summary>
    public double HalfLifeEvents { get; init; } = 4000;

    /// <summary>
    /// Standard scores of the sign test a challenger must pass: (wins − losses)/√(wins + losses) over the discounted
    /// rows where exactly one of it and the held arm is right. Default 2.5.
    /// </summary>
    public double SwitchScore { get; init; } = 2.5;

    /// <summary>Discounted disagreements a challenger needs before the test counts. Default 50.</summary>
    public double MinEvidence { get; init; } = 50;

    /// <summary>Labeled events during which the best rewarded arm is served and no arm is paused. Default 1000.</summary>
    public long WarmupEvents { get; init; } = 1000;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad field.</summary>
    public TuningOptions Validate()
    {
        if (Arms is null || Arms.Count < 1) Bad(nameof(Arms), Arms?.Count ?? 0, "needs at least one arm");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in Arms!)
        {
            if (a is null || string.IsNullOrWhiteSpace(a.Name)) Bad(nameof(Arms), "null", "every arm needs a name");
            if (!names.Add(a!.Name)) Bad(nameof(Arms), a.Name, "arm names must be unique");
        }
        if (LiveArms < 1) Bad(nameof(LiveArms), LiveArms, "must be >= 1");
        if (!(HalfLifeEvents >= 1) || !double.IsFinite(HalfLifeEvents)) Bad(nameof(HalfLifeEvents), HalfLifeEvents, "must be a finite number >= 1");
        if (!(SwitchScore > 0) || !double.IsFinite(SwitchScore)) Bad(nameof(SwitchScore), SwitchScore, "must be a finite number > 0");
        if (!(MinEvidence >= 0) || !double.IsFinite(MinEvidence)) Bad(nameof(MinEvidence), MinEvidence, "must be a finite number >= 0");
        if (WarmupEvents < 0) Bad(nameof(WarmupEvents), WarmupEvents, "must be >= 0");
        return this;
    }

    private static void Bad(string field, object? value, string rule) =>
        throw new ArgumentException($"TuningOptions.{field} {rule} (got {value})", field);
}
