using System.Globalization;
using System.CommandLine;
using StreamLabel.Bench.Cli;
using StreamLabel.Datasets;

namespace StreamLabel.Bench.Quality;

/// <summary>Command line of `quality`; every bad option is reported by name.</summary>
public sealed record QualityOptions
{
    public static readonly string[] AllVariants = ["ce", "smoothing", "selfcorrect", "distill", "full", "tuned", "clean"];

    public required string Data { get; init; }
    public string LabelColumn { get; init; } = "-1";
    public double Noise { get; init; }
    public NoiseKind NoiseKind { get; init; } = NoiseKind.Symmetric;
    public double? DriftAt { get; init; }
    /// <summary>"swap" (the two most frequent classes trade labels from DriftAt on) or "none": a control run that
    /// measures before/after/recovery at the same point without changing any label.</summary>
    public string DriftKind { get; init; } = "swap";
    public int Batch { get; init; } = 32;
    public int Seed { get; init; } = 1;
    public string? Json { get; init; }
    /// <summary>Use only the first N rows (0 = all).</summary>
    public int Limit { get; init; }
    public string[] Variants { get; init; } = AllVariants;
    /// <summary>Feature columns to drop (e.g. Elec2's date).</summary>
    public string[] DropColumns { get; init; } = [];
    /// <summary>Overrides of the variants' learner settings (null = the bench defaults in QualityRun).</summary>
    public double? LearningRate { get; init; }
    public int[]? Hidden { get; init; }
    public double? Smoothing { get; init; }
    public double? MinWeight { get; init; }
    public double? LossScale { get; init; }
    public double? Maturity { get; init; }
    public double? Alpha { get; init; }
    public double? Temperature { get; init; }
    public string? Detector { get; init; }
    public double? DriftBoost { get; init; }
    /// <summary>Adds each variant's accuracy per 500-event block to the JSON ("curve").</summary>
    public bool Curves { get; init; }
    /// <summary>Every variant's student (and teacher) also sees the previous observed label (LearnerSpec.LaggedLabels).</summary>
    public bool LaggedLabels { get; init; }
    /// <summary>LearnerSpec.DriftChallengerEvents for the variants with self-correction (selfcorrect, full, clean); null = off.</summary>
    public int? Challenger { get; init; }

    /// <summary>Runs seeds Seed .. Seed+Seeds-1 (noise draw and models) and reports mean ± sd per variant (default 1).</summary>
    public int Seeds { get; init; } = 1;
    /// <summary>"ensemble" (the default: Learning.Teacher.EnsembleTeacher, fresh-row distillation) or "replay" (the old ReplayTeacher).</summary>
    public string Teacher { get; init; } = "ensemble";
    /// <summary>Overrides of TeacherOptions (null = its defaults).</summary>
    public int? TeacherMembers { get; init; }
    public int? TeacherWindow { get; init; }
    public int? TeacherSteps { get; init; }
    public int? TeacherRows { get; init; }
    public double? TeacherLearningRate { get; init; }
    public int[]? TeacherHidden { get; init; }
    public int? TeacherKeep { get; init; }
    public int? TeacherNoiseEvery { get; init; }
    public int? TeacherDistillRows { get; init; }
    public bool? TeacherSpread { get; init; }
    /// <summary>Extra student steps per batch on teacher-labeled window rows once the gate is &gt;= 0.5 (default 0 = off).</summary>
    public int TeacherRehearse { get; init; }
    /// <summary>With --late-key-at: steps on teacher-labeled window rows the late key's student takes before its first event (default 0 = cold start).</summary>
    public int LateKeyWarmStart { get; init; }
    /// <summary>Multi-key scenario: rows dealt round-robin to this many keys sharing one group teacher (0 = off).</summary>
    public int Keys { get; init; }
    /// <summary>With --keys: one more key joins the round-robin from this fraction of the stream on (null = none).</summary>
    public double? LateKeyAt { get; init; }
    public double? TeacherSelection { get; init; }
    /// <summary>"advantage" (distillation weight from the teacher's measured advantage, 0 without one) or "always" (full weight).</summary>
    public string TeacherGate { get; init; } = "advantage";
    /// <summary>Overrides of the `tuned` variant's TuningOptions (null = its defaults).</summary>
    public double? TuningHalfLife { get; init; }
    public double? TuningScore { get; init; }
    public double? TuningEvidence { get; init; }
    public long? TuningWarmup { get; init; }
    public int? TuningLiveArms { get; init; }
    /// <summary>The tuned variant's arms, catalogue names (null = the default set).</summary>
    public string[]? TuningArms { get; init; }

    /// <summary>The options as System.CommandLine declares them: the names the parser reads and the help text.</summary>
    internal static IEnumerable<Option> Declared() =>
    [
        BenchOptions.Value("--data", "FILE", "CSV(.gz) stream (required); also looked up beside the bench and in its data/ folder"),
        BenchOptions.Value("--label-column", "NAME_OR_INDEX", "the label column. Default -1 (the last)"),
        BenchOptions.Value("--noise", "R", "training-label noise rate in [0, 1). Default 0"),
        BenchOptions.Value("--noise-kind", "symmetric|pairflip", "how noisy labels are drawn. Default symmetric"),
        BenchOptions.Value("--drift-at", "F", "fraction of the stream where the drift happens. Default none"),
        BenchOptions.Value("--drift-kind", "swap|none", "swap the two most frequent classes, or none (a control: the point is measured, no labels change). Default swap"),
        BenchOptions.Value("--batch", "B", "rows per learning step. Default 32"),
        BenchOptions.Value("--seed", "S", "noise draw and model seed. Default 1"),
        BenchOptions.Value("--json", "OUT", "also write the results as JSON to OUT"),
        BenchOptions.Value("--limit", "N", "only the first N rows (0 = all). Default 0"),
        BenchOptions.Value("--variants", "ce,smoothing,...", $"variants to run. Default {string.Join(",", AllVariants)}"),
        BenchOptions.Value("--drop-columns", "a,b", "feature columns to drop (e.g. Elec2's date)"),
        BenchOptions.Value("--lr", "X", "the variants' learning rate"),
        BenchOptions.Value("--hidden", "32,16", "the variants' hidden layer widths"),
        BenchOptions.Value("--smoothing", "E", "label smoothing"),
        BenchOptions.Value("--min-weight", "W", "self-correction MinWeight"),
        BenchOptions.Value("--loss-scale", "S", "self-correction LossScale"),
        BenchOptions.Value("--maturity", "TAU", "self-correction MaturityEvents"),
        BenchOptions.Value("--alpha", "A", "distillation weight"),
        BenchOptions.Value("--temperature", "T", "distillation temperature"),
        BenchOptions.Value("--detector", "adwin|page-hinkley|none", "drift detector"),
        BenchOptions.Value("--drift-boost", "X", "DriftBoost of the self-correcting variants"),
        BenchOptions.Value("--curves", "true|false", "add each variant's accuracy per 500-event block to the JSON"),
        BenchOptions.Value("--lagged-labels", "true|false", "every student (and teacher) also sees the previous observed label"),
        BenchOptions.Value("--challenger", "EVENTS", "drift challenger window of the self-correcting variants. Default off"),
        BenchOptions.Value("--seeds", "N", "run seeds S..S+N-1 and report mean ± sd. Default 1"),
        BenchOptions.Value("--teacher", "ensemble|replay", "the teacher. Default ensemble"),
        BenchOptions.Value("--teacher-members", "M", "TeacherOptions.Members"),
        BenchOptions.Value("--teacher-window", "ROWS", "TeacherOptions.WindowRows"),
        BenchOptions.Value("--teacher-steps", "S", "TeacherOptions.StepsPerBatch"),
        BenchOptions.Value("--teacher-rows", "R", "TeacherOptions.ReplayRows"),
        BenchOptions.Value("--teacher-lr", "X", "TeacherOptions.LearningRate"),
        BenchOptions.Value("--teacher-hidden", "64,64", "TeacherOptions.HiddenLayers"),
        BenchOptions.Value("--teacher-keep", "ROWS", "TeacherOptions.KeepOnDrift"),
        BenchOptions.Value("--teacher-gate", "advantage|always", "distillation weight from the teacher's measured advantage, or full. Default advantage"),
        BenchOptions.Value("--teacher-noise-every", "ROWS", "TeacherOptions.NoiseEstimateEvery"),
        BenchOptions.Value("--teacher-distill-rows", "ROWS", "TeacherOptions.DistillWindowRows"),
        BenchOptions.Value("--teacher-spread", "true|false", "TeacherOptions.SpreadWindows"),
        BenchOptions.Value("--teacher-selection", "BETA", "TeacherOptions.SelectionSharpness"),
        BenchOptions.Value("--keys", "K", "multi-key scenario: rows dealt round-robin to K keys sharing one teacher. Default 0 (off)"),
        BenchOptions.Value("--late-key-at", "F", "with --keys: one more key joins from this fraction of the stream on"),
        BenchOptions.Value("--late-key-warm-start", "STEPS", "with --late-key-at: the late key's student first takes this many steps on teacher-labeled window rows. Default 0"),
        BenchOptions.Value("--teacher-rehearse", "STEPS", "extra student steps per batch on teacher-labeled rows once the gate is >= 0.5. Default 0"),
        BenchOptions.Value("--tuning-half-life", "EVENTS", "the tuned variant's TuningOptions.HalfLifeEvents"),
        BenchOptions.Value("--tuning-score", "Z", "the tuned variant's TuningOptions.SwitchScore"),
        BenchOptions.Value("--tuning-evidence", "N", "the tuned variant's TuningOptions.MinEvidence"),
        BenchOptions.Value("--tuning-warmup", "EVENTS", "the tuned variant's TuningOptions.WarmupEvents"),
        BenchOptions.Value("--tuning-live", "ARMS", "the tuned variant's TuningOptions.LiveArms"),
        BenchOptions.Value("--tuning-arms", "a,b,c", "the tuned variant's arms (names of TuningArms.Catalogue). Default the spec's default set"),
    ];

    internal static QualityOptions Parse(OptionValues values)
    {
        var map = values.ByName();
        if (!map.TryGetValue("--data", out var data)) throw new ArgumentException("--data FILE is required");
        string driftKind = map.GetValueOrDefault("--drift-kind", "swap");
        if (driftKind is not ("swap" or "none")) throw new ArgumentException($"--drift-kind '{driftKind}' is not one of: swap, none (a control: the point is measured, no labels change)");
        var variants = map.TryGetValue("--variants", out var v) ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : AllVariants;
        foreach (var name in variants) if (!AllVariants.Contains(name)) throw new ArgumentException($"--variants: '{name}' is not one of {string.Join(",", AllVariants)}");
        var o = new QualityOptions
        {
            Data = data,
            LabelColumn = map.GetValueOrDefault("--label-column", "-1"),
            Noise = Number(map, "--noise", 0),
            DriftKind = driftKind,
            NoiseKind = map.TryGetValue("--noise-kind", out var nk) ? LabelNoise.ParseKind(nk) : NoiseKind.Symmetric,
            DriftAt = map.ContainsKey("--drift-at") ? Number(map, "--drift-at", 0) : null,
            Batch = (int)Number(map, "--batch", 32),
            Seed = (int)Number(map, "--seed", 1),
            Json = map.GetValueOrDefault("--json"),
            Limit = (int)Number(map, "--limit", 0),
            Variants = variants,
            DropColumns = map.TryGetValue("--drop-columns", out var d) ? d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
            LearningRate = Optional(map, "--lr"),
            Hidden = Widths(map, "--hidden"),
            Smoothing = Optional(map, "--smoothing"),
            MinWeight = Optional(map, "--min-weight"),
            LossScale = Optional(map, "--loss-scale"),
            Maturity = Optional(map, "--maturity"),
            Alpha = Optional(map, "--alpha"),
            Temperature = Optional(map, "--temperature"),
            Detector = map.GetValueOrDefault("--detector"),
            DriftBoost = Optional(map, "--drift-boost"),
            Curves = Flag(map, "--curves"),
            LaggedLabels = Flag(map, "--lagged-labels"),
            Challenger = map.ContainsKey("--challenger") ? (int)Number(map, "--challenger", 0) : null,
            Seeds = (int)Number(map, "--seeds", 1),
            Teacher = map.GetValueOrDefault("--teacher", "ensemble"),
            TeacherMembers = OptionalInt(map, "--teacher-members"),
            TeacherWindow = OptionalInt(map, "--teacher-window"),
            TeacherSteps = OptionalInt(map, "--teacher-steps"),
            TeacherRows = OptionalInt(map, "--teacher-rows"),
            TeacherLearningRate = Optional(map, "--teacher-lr"),
            TeacherHidden = Widths(map, "--teacher-hidden"),
            TeacherKeep = OptionalInt(map, "--teacher-keep"),
            TeacherNoiseEvery = OptionalInt(map, "--teacher-noise-every"),
            TeacherDistillRows = OptionalInt(map, "--teacher-distill-rows"),
            Keys = (int)Number(map, "--keys", 0),
            TeacherRehearse = (int)Number(map, "--teacher-rehearse", 0),
            LateKeyWarmStart = (int)Number(map, "--late-key-warm-start", 0),
            LateKeyAt = Optional(map, "--late-key-at"),
            TeacherSpread = map.ContainsKey("--teacher-spread") ? Flag(map, "--teacher-spread") : null,
            TeacherSelection = Optional(map, "--teacher-selection"),
            TeacherGate = map.GetValueOrDefault("--teacher-gate", "advantage"),
            TuningHalfLife = Optional(map, "--tuning-half-life"),
            TuningScore = Optional(map, "--tuning-score"),
            TuningEvidence = Optional(map, "--tuning-evidence"),
            TuningWarmup = map.ContainsKey("--tuning-warmup") ? (long)Number(map, "--tuning-warmup", 0) : null,
            TuningLiveArms = OptionalInt(map, "--tuning-live"),
            TuningArms = map.TryGetValue("--tuning-arms", out var arms) ? arms.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
        };
        if (o.LateKeyWarmStart < 0) throw new ArgumentException($"--late-key-warm-start must be >= 0 (got {o.LateKeyWarmStart})");
        if (o.TeacherRehearse < 0) throw new ArgumentException($"--teacher-rehearse must be >= 0 (got {o.TeacherRehearse})");
        if (o.Keys < 0) throw new ArgumentException($"--keys must be >= 0 (got {o.Keys})");
        if (o.LateKeyAt is double late && (o.Keys < 1 || late is <= 0 or >= 1)) throw new ArgumentException($"--late-key-at needs --keys K >= 1 and a fraction in (0, 1) (got {late})");
        if (o.Seeds < 1) throw new ArgumentException($"--seeds must be >= 1 (got {o.Seeds})");
        if (o.Teacher is not ("ensemble" or "replay")) throw new ArgumentException($"--teacher '{o.Teacher}' is not one of: ensemble, replay");
        if (o.TeacherGate is not ("advantage" or "always")) throw new ArgumentException($"--teacher-gate '{o.TeacherGate}' is not one of: advantage, always");
        if (o.Noise is < 0 or >= 1) throw new ArgumentException($"--noise must be in [0, 1) (got {o.Noise})");
        if (o.DriftAt is < 0 or > 1) throw new ArgumentException($"--drift-at must be a fraction in [0, 1] (got {o.DriftAt})");
        if (o.Batch < 1) throw new ArgumentException($"--batch must be >= 1 (got {o.Batch})");
        if (o.Limit < 0) throw new ArgumentException($"--limit must be >= 0 (got {o.Limit})");
        return o;
    }

    private static int[]? Widths(Dictionary<string, string> map, string key) => map.TryGetValue(key, out var h)
        ? h.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(part => int.TryParse(part, CultureInfo.InvariantCulture, out int width) ? width : throw new ArgumentException($"{key}: '{part}' is not an integer")).ToArray()
        : null;

    private static int? OptionalInt(Dictionary<string, string> map, string key) => map.ContainsKey(key) ? (int)Number(map, key, 0) : null;

    private static bool Flag(Dictionary<string, string> map, string key) =>
        map.TryGetValue(key, out var text) && (text == "true" ? true : text == "false" ? false : throw new ArgumentException($"{key} must be true or false (got {text})"));

    private static double? Optional(Dictionary<string, string> map, string key) => map.ContainsKey(key) ? Number(map, key, 0) : null;

    private static double Number(Dictionary<string, string> map, string key, double fallback) =>
        !map.TryGetValue(key, out var text) ? fallback
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
        : throw new ArgumentException($"option {key}: '{text}' is not a number");
}
