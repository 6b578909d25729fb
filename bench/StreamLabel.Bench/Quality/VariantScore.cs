namespace StreamLabel.Bench.Quality;

/// <summary>
/// Prequential scores of one variant against the clean truth. <see cref="RecoveryEvents"/>: the first n &gt;= 500
/// events after the drift at which the accuracy over the preceding 500 events (all after the drift) is within
/// 2 points of the 500 events before it; null without a drift or when it never recovers.
/// <see cref="DetectionDelayEvents"/>: events from the drift point to the end of the first batch on which the
/// student's detector fired (null: no drift point, or never fired after it).
/// </summary>
public sealed record VariantScore(double Accuracy, double? AccuracyBeforeDrift, double? AccuracyAfterDrift, int? RecoveryEvents,
    double EventsPerSecond, long DriftsDetected, long LabelsCorrected, long SamplesDownWeighted, int? DetectionDelayEvents = null)
{
    /// <summary>Accuracy of each consecutive block of <see cref="Window"/> events (for charts; JSON only with --curves).</summary>
    public double[] Curve { get; init; } = [];

    /// <summary>Drift challengers whose model the student adopted (LearnerSpec.DriftChallengerEvents).</summary>
    public long ChallengersAdopted { get; init; }

    /// <summary>The teacher's own prequential accuracy against the clean truth (predicted before it learned each batch); null without a teacher.</summary>
    public double? TeacherAccuracy { get; init; }

    /// <summary>Mean of the teacher's members' prequential accuracies against the truth (ensemble teacher only).</summary>
    public double? TeacherMemberAccuracy { get; init; }

    /// <summary>Mean distillation weight factor over the batches (the advantage gate; 1 = always full weight).</summary>
    public double? DistillationWeight { get; init; }

    /// <summary>Drifts the teacher's own detector reported (ensemble teacher only).</summary>
    public long? TeacherDrifts { get; init; }

    /// <summary>Each tuning arm's own accuracy against the truth (`tuned` only; an arm paused by the budget scores 0 while paused).</summary>
    public IReadOnlyDictionary<string, double>? ArmAccuracy { get; init; }

    /// <summary>Changes of the served arm over the stream (`tuned` only).</summary>
    public long? ServedSwitches { get; init; }

    /// <summary>Changes of the served arm per 2,000 events after the first 2,000 (`tuned` only).</summary>
    public double? SwitchesPer2000 { get; init; }

    /// <summary>The arm served at the end of the stream (`tuned` only).</summary>
    public string? FinalArm { get; init; }

    public const int Window = 500;

    public static VariantScore From(bool[] hits, int? driftIndex, double seconds, long drifts = 0, long corrected = 0, long downWeighted = 0, int? detectionDelay = null)
    {
        double acc = Mean(hits, 0, hits.Length);
        double? before = null, after = null;
        int? recovery = null;
        if (driftIndex is int d && d > 0 && d < hits.Length)
        {
            before = Mean(hits, 0, d);
            after = Mean(hits, d, hits.Length);
            if (d >= Window)
            {
                double level = Mean(hits, d - Window, d);
                int inWindow = 0;
                for (int i = d; i < hits.Length; i++)
                {
                    if (hits[i]) inWindow++;
                    int n = i - d + 1;
                    if (n > Window && hits[i - Window]) inWindow--;
                    if (n >= Window && (double)inWindow / Window >= level - 0.02) { recovery = n; break; }
                }
            }
        }
        var curve = new double[(hits.Length + Window - 1) / Window];
        for (int b = 0; b < curve.Length; b++) curve[b] = Math.Round(Mean(hits, b * Window, Math.Min(hits.Length, (b + 1) * Window)), 4);
        return new VariantScore(acc, before, after, recovery, seconds > 0 ? hits.Length / seconds : 0, drifts, corrected, downWeighted, detectionDelay) { Curve = curve };
    }

    private static double Mean(bool[] hits, int from, int to)
    {
        int c = 0;
        for (int i = from; i < to; i++) if (hits[i]) c++;
        return to > from ? (double)c / (to - from) : double.NaN;
    }
}
