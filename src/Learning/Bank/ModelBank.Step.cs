using StreamLabel.Learning.Step;

namespace StreamLabel.Learning.Bank;

public sealed partial class ModelBank
{
    // Reused per-step index arrays of the stacked weights (see StepScratch); those of one step must not share an index.
    private const int SlotRows = 0, UpdateRows = 1, Positions = 2;
    private readonly StepScratch<long> _longs = new(3);

    /// <summary>
    /// One test-then-train step of many slots at once, each exactly as <see cref="OnlineLearner.TestThenTrain"/> takes
    /// it: both run <see cref="LearningStep"/> (predict first, metrics, detector, drift reset and boost, smoothing,
    /// self-correction with the slot's own g and loss reference, distillation weight a·g, the slot's own rate scale
    /// and Adam bias correction). At most one entry per slot. Only slots that learn (a label or a distillation batch)
    /// change weights, moments and version. All entries are checked before any state changes; an
    /// <see cref="ArgumentException"/> names the bad entry. Returns one result per entry, in order.
    /// </summary>
    public IReadOnlyList<PrequentialResult> TestThenTrain(IReadOnlyList<BankStep> steps) => Step(steps, prequential: true);

    /// <summary>
    /// Learns every entry as <see cref="OnlineLearner.Learn"/> does (no metrics, no drift detector: rows that are not
    /// the slot's stream, e.g. a warm start), otherwise as <see cref="TestThenTrain"/>.
    /// </summary>
    public IReadOnlyList<PrequentialResult> Learn(IReadOnlyList<BankStep> steps) => Step(steps, prequential: false);

    private PrequentialResult[] Step(IReadOnlyList<BankStep> steps, bool prequential)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int P = steps.Count;
        if (P == 0) return [];
        var slots = new BankSlot[P];
        var entries = new StepEntry[P];
        var seen = new HashSet<int>();
        for (int p = 0; p < P; p++)
        {
            var s = steps[p] ?? throw new ArgumentNullException($"steps[{p}]");
            // The field names are only built when one is bad (they were two strings per entry per step).
            var slot = slots[p] = s.Slot >= 0 && s.Slot < _slots.Count && !_disposed && _slots[s.Slot] is { } live ? live : Live(s.Slot, $"steps[{p}].Slot");
            if (!seen.Add(s.Slot)) throw new ArgumentException($"steps[{p}].Slot {s.Slot} appears twice: at most one entry per slot per step", $"steps[{p}].Slot");
            var labeled = Check(Template, s.Features.Span, s.Rows, s.Labels.Span, s.Distill, EntryPrefix(p));
            entries[p] = new StepEntry(s.Features, s.Rows, s.Labels, s.Distill, labeled, slot.State, slot.Standardizer);
        }
        return LearningStep.Run(new StackedSlots(this, slots), Template, FeatureCount, entries, DeviceType, prequential);
    }

    private static readonly string[] EntryPrefixes = Enumerable.Range(0, 256).Select(p => $"steps[{p}].").ToArray();

    // "steps[p]." for error messages, without building it per entry per step.
    private static string EntryPrefix(int p) => p < EntryPrefixes.Length ? EntryPrefixes[p] : $"steps[{p}].";

    /// <summary>
    /// Checks one slot's step input against a spec's F and K (what <see cref="TestThenTrain"/> checks per entry);
    /// returns the labeled rows. <paramref name="prefix"/> starts the named field, e.g. "steps[2].".
    /// </summary>
    internal static List<int> Check(LearnerSpec spec, ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels, DistillationBatch? distill, string prefix = "")
    {
        if (rows <= 0) throw new ArgumentOutOfRangeException(prefix + "Rows", rows, "must be > 0");
        if (features.Length != rows * spec.FeatureCount)
            throw new ArgumentException($"{prefix}Features has {features.Length} values, expected rows×features = {rows}×{spec.FeatureCount}", prefix + "Features");
        var labeled = LearnerState.LabeledRows(labels, rows, spec.ClassCount, prefix + "Labels");
        if (distill is not null) LearnerState.CheckDistillation(distill, spec.FeatureCount, spec.ClassCount, prefix + "Distill");
        return labeled;
    }
}
