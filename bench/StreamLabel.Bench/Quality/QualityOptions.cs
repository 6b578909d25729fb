using System.Globalization;
using StreamLabel.Datasets;

namespace StreamLabel.Bench.Quality;

/// <summary>Command line of `quality`; every bad option is reported by name.</summary>
public sealed record QualityOptions
{
    public const string Help =
        "quality --data FILE --label-column NAME_OR_INDEX [--noise R] [--noise-kind symmetric|pairflip] [--drift-at F]\n" +
        "        [--drift-kind swap|none] [--batch B] [--seed S] [--json OUT] [--limit N] [--variants ce,smoothing,...]\n" +
        "        [--drop-columns a,b] [--lr X] [--hidden 32,16] [--smoothing E] [--min-weight W] [--loss-scale S]\n" +
        "        [--maturity TAU] [--alpha A] [--temperature T] [--detector adwin|page-hinkley|none]\n" +
        "        [--drift-boost X] [--curves true] [--lagged-labels true]\n" +
        "        [--challenger EVENTS] [--seeds N] [--teacher ensemble|replay] [--teacher-members M]\n" +
        "        [--teacher-window ROWS] [--teacher-steps S] [--teacher-rows R] [--teacher-lr X] [--teacher-hidden 64,64]\n" +
        "        [--teacher-keep ROWS] [--teacher-gate advantage|always] [--teacher-noise-every ROWS]\n" +
        "        [--teacher-distill-rows ROWS] [--teacher-spread true|false]\n" +
        "        [--teacher-selection BETA] [--keys K [--late-key-at F]]\n" +
        "        [--teacher-rehearse STEPS] [--tuning-half-life EVENTS] [--tuning-score Z] [--tuning-evidence N]";

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

    public static QualityOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
            if (i + 1 >= args.Length) throw new ArgumentException($"option {args[i]} needs a value");
            map[args[i]] = args[++i];
        }
        string[] known = ["--data", "--label-column", "--noise", "--noise-kind", "--drift-at", "--drift-kind", "--batch", "--seed", "--json", "--limit", "--variants", "--drop-columns",
            "--lr", "--hidden", "--smoothing", "--min-weight", "--loss-scale", "--maturity", "--alpha", "--temperature", "--detector", "--drift-boost", "--curves", "--lagged-labels", "--challenger",
            "--seeds", "--teacher", "--teacher-members", "--teacher-window", "--teacher-steps", "--teacher-rows", "--teacher-lr", "--teacher-hidden", "--teacher-keep", "--teacher-gate", "--teacher-noise-every", "--teacher-distill-rows", "--teacher-spread", "--teacher-selection", "--keys", "--late-key-at", "--teacher-rehearse",
            "--tuning-half-life", "--tuning-score", "--tuning-evidence"];
        foreach (var key in map.Keys) if (!known.Contains(key)) throw new ArgumentException($"unknown option {key}; known: {string.Join(" ", known)}");
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
            LateKeyAt = Optional(map, "--late-key-at"),
            TeacherSpread = map.ContainsKey("--teacher-spread") ? Flag(map, "--teacher-spread") : null,
            TeacherSelection = Optional(map, "--teacher-selection"),
            TeacherGate = map.GetValueOrDefault("--teacher-gate", "advantage"),
            TuningHalfLife = Optional(map, "--tuning-half-life"),
            TuningScore = Optional(map, "--tuning-score"),
            TuningEvidence = Optional(map, "--tuning-evidence"),
        };
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
