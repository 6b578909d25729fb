using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamLabel.Datasets;
using StreamLabel.Learning;

namespace StreamLabel.Bench.Quality;

/// <summary>
/// `quality`: prequential (test-then-train) runs of the learning core on a CSV stream with injected training-label
/// noise (and optionally an abrupt class swap), every variant scored against the clean truth.
/// </summary>
public static class QualityCommand
{
    public static int Run(QualityOptions options)
    {
        try { foreach (var v in options.Variants) QualityRun.StudentSpec(v, 1, 2, options); }
        catch (ArgumentException e) { Console.Error.WriteLine($"quality: {e.Message}"); return 2; }
        TorchSharp.torch.set_num_threads(1); // small models: intra-op threads only add overhead on a shared machine
        var data = Load(options);
        var runs = new List<(JsonObject Json, Dictionary<string, VariantScore> Scores)>();
        for (int i = 0; i < options.Seeds; i++) runs.Add(RunSeed(data, options with { Seed = options.Seed + i }));

        JsonObject json;
        if (options.Seeds == 1) json = runs[0].Json;
        else
        {
            // Each seed draws its own noise and initial weights; the summary is what tables quote.
            Console.WriteLine($"over {options.Seeds} seeds ({options.Seed}..{options.Seed + options.Seeds - 1}): mean ± sd");
            var summary = new JsonObject();
            var names = new List<string> { "noChange" };
            if (runs[0].Json["variants"] is JsonObject vs) names.AddRange(vs.Select(p => p.Key));
            foreach (var name in names)
            {
                // Every numeric field of the variant's per-seed objects, over the seeds where it is not null.
                var perSeed = runs.Select(r => (name == "noChange" ? r.Json["noChange"] : r.Json["variants"]![name]) as JsonObject).ToArray();
                if (perSeed.Any(o => o is null)) continue;
                var entry = new JsonObject();
                foreach (var (field, _) in perSeed[0]!)
                {
                    if (field == "eventsPerSecond") continue; // load-dependent, not a result
                    var values = perSeed.Select(o => Number(o![field])).ToArray();
                    if (values.All(double.IsFinite)) entry[field] = Stats(values);
                }
                summary[name] = entry;
                string Part(string field, string label) => entry[field] is JsonObject st
                    ? string.Create(CultureInfo.InvariantCulture, $"  {label} {st["mean"]!.GetValue<double>():0.0000} ± {st["sd"]!.GetValue<double>():0.0000}") : "";
                Console.WriteLine($"{name,-12}" + Part("accuracy", "accuracy") + Part("bestArmAccuracy", "best arm") + Part("switchesPer2000", "switches/2000") + Part("teacherAccuracy", "teacher") + Part("teacherMemberAccuracy", "members")
                    + Part("lateKeyAccuracy", "late key") + Part("lateKeyFirstAccuracy", "late key's first 500") + Part("lateKeyParityEvents", "late key parity after"));
            }
            var first = runs[0].Json;
            json = new JsonObject
            {
                ["dataset"] = first["dataset"]!.DeepClone(), ["events"] = first["events"]!.DeepClone(), ["noise"] = options.Noise,
                ["noiseKind"] = first["noiseKind"]!.DeepClone(), ["driftAt"] = options.DriftAt, ["driftKind"] = first["driftKind"]?.DeepClone(),
                ["batch"] = options.Batch, ["teacher"] = options.Teacher, ["keys"] = options.Keys > 0 ? options.Keys : null, ["lateKeyAt"] = options.LateKeyAt,
                ["seeds"] = new JsonArray(Enumerable.Range(options.Seed, options.Seeds).Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
                ["summary"] = summary,
                ["runs"] = new JsonArray(runs.Select(r => (JsonNode?)r.Json).ToArray()),
            };
        }
        if (options.Json is not null)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(options.Json));
            if (dir is not null) Directory.CreateDirectory(dir);
            File.WriteAllText(options.Json, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"json: {options.Json}");
        }
        return 0;
    }

    // One seed: the noise draw, every variant, its lines and its JSON object (the single-seed file format).
    private static (JsonObject Json, Dictionary<string, VariantScore> Scores) RunSeed(LabeledDataset data, QualityOptions options)
    {
        var stream = options.DriftKind == "none" && options.DriftAt is double at
            ? NoisyStream.Create(data, options.Noise, options.NoiseKind, null, options.Seed) with { DriftIndex = (int)Math.Round(at * data.Count) }
            : NoisyStream.Create(data, options.Noise, options.NoiseKind, options.DriftAt, options.Seed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{data.Name}: {data.Count} events, {data.FeatureCount} features, {data.ClassCount} classes; noise {options.Noise:0.##} {options.NoiseKind} (observed {stream.ObservedNoiseRate:0.###}); drift ({options.DriftKind}) at {(stream.DriftIndex?.ToString(CultureInfo.InvariantCulture) ?? "none")}; batch {options.Batch}; seed {options.Seed}; teacher {options.Teacher}"));

        var scores = new Dictionary<string, VariantScore> { ["noChange"] = NoChange(stream) };
        Print("noChange", scores["noChange"]);
        var variants = new JsonObject();
        foreach (var name in options.Variants)
        {
            if (options.Keys > 0)
            {
                var multi = MultiKeyRun.Run(name, stream, options);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-12} accuracy {multi.Accuracy:0.0000}{(multi.TeacherAccuracy is double ta ? $" (teacher {ta:0.0000})" : "")}  keys {string.Join(" ", multi.KeyAccuracy.Select(a => a.ToString("0.000", CultureInfo.InvariantCulture)))}{(multi.LateKeyAccuracy is double la ? $"  late key {la:0.0000} (first 500 {multi.LateKeyFirstAccuracy:0.0000}), within 2 points after {(multi.LateKeyParityEvents?.ToString(CultureInfo.InvariantCulture) ?? "never")} events" : "")}"));
                variants[name] = new JsonObject
                {
                    ["accuracy"] = Math.Round(multi.Accuracy, 6),
                    ["keyAccuracy"] = new JsonArray(multi.KeyAccuracy.Select(a => (JsonNode?)JsonValue.Create(Math.Round(a, 6))).ToArray()),
                    ["lateKeyAccuracy"] = multi.LateKeyAccuracy is double l ? Math.Round(l, 6) : null,
                    ["lateKeyFirstAccuracy"] = multi.LateKeyFirstAccuracy is double lf ? Math.Round(lf, 6) : null,
                    ["lateKeyParityEvents"] = multi.LateKeyParityEvents,
                    ["teacherAccuracy"] = multi.TeacherAccuracy is double t ? Math.Round(t, 6) : null,
                };
                continue;
            }
            var score = QualityRun.Run(name, stream, options);
            scores[name] = score;
            Print(name, score);
            variants[name] = ToJson(score, options.Curves);
        }
        var json = new JsonObject
        {
            ["dataset"] = data.Name,
            ["events"] = data.Count,
            ["noise"] = options.Noise,
            ["noiseKind"] = options.NoiseKind.ToString().ToLowerInvariant(),
            ["driftAt"] = options.DriftAt,
            ["driftKind"] = options.DriftAt is null ? null : options.DriftKind,
            ["driftIndex"] = stream.DriftIndex,
            ["batch"] = options.Batch,
            ["seed"] = options.Seed,
            ["teacher"] = options.Teacher,
            ["keys"] = options.Keys > 0 ? options.Keys : null,
            ["lateKeyAt"] = options.LateKeyAt,
            ["noChange"] = ToJson(scores["noChange"], options.Curves),
            ["variants"] = variants,
        };
        return (json, scores);
    }

    private static JsonObject Stats(IEnumerable<double> values)
    {
        var v = values.ToArray();
        return new JsonObject
        {
            ["mean"] = Math.Round(v.Average(), 6), ["sd"] = Math.Round(Sd(v), 6),
            ["values"] = new JsonArray(v.Select(x => (JsonNode?)JsonValue.Create(Math.Round(x, 6))).ToArray()),
        };
    }

    // A JSON number of any CLR type (ints and longs too) as a double; NaN for null and non-numbers.
    private static double Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : double.NaN;

    // Sample standard deviation (n − 1): the seeds are a sample of the runs one could make.
    private static double Sd(double[] v) => v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - v.Average()) * (x - v.Average())) / (v.Length - 1));

    private static LabeledDataset Load(QualityOptions options)
    {
        string path = File.Exists(options.Data) ? options.Data : Path.Combine(AppContext.BaseDirectory, options.Data);
        if (!File.Exists(path)) path = Path.Combine(AppContext.BaseDirectory, "data", Path.GetFileName(options.Data));
        var data = CsvDatasetReader.Read(File.Exists(path) ? path : options.Data, options.LabelColumn);
        if (options.DropColumns.Length > 0)
        {
            var keep = Enumerable.Range(0, data.FeatureCount).Where(i => !options.DropColumns.Contains(data.FeatureNames[i], StringComparer.OrdinalIgnoreCase)).ToArray();
            foreach (var c in options.DropColumns)
                if (!data.FeatureNames.Contains(c, StringComparer.OrdinalIgnoreCase)) throw new ArgumentException($"--drop-columns: no feature column '{c}'");
            data = data with { FeatureNames = keep.Select(i => data.FeatureNames[i]).ToArray(), Features = data.Features.Select(row => keep.Select(i => row[i]).ToArray()).ToArray() };
        }
        return options.Limit > 0 ? data.Take(options.Limit) : data;
    }

    // Predicts the previous observed (training) label: what a no-change learner can see.
    private static VariantScore NoChange(NoisyStream s)
    {
        var hits = new bool[s.Truth.Length];
        for (int i = 1; i < hits.Length; i++) hits[i] = s.TrainingLabels[i - 1] == s.Truth[i];
        return VariantScore.From(hits, s.DriftIndex, 0);
    }

    private static void Print(string name, VariantScore v) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-12} accuracy {v.Accuracy:0.0000}{(v.ArmAccuracy is { } arms ? $" (arms {string.Join(' ', arms.Select(a => $"{a.Key} {a.Value:0.0000}"))}; switches {v.ServedSwitches}, {v.SwitchesPer2000:0.00}/2000, final {v.FinalArm})" : "")}{(v.TeacherAccuracy is double t ? $" (teacher {t:0.0000}{(v.TeacherMemberAccuracy is double m ? $", members {m:0.0000}" : "")}{(v.DistillationWeight is double w ? $", weight {w:0.00}" : "")})" : "")}  before {Fmt(v.AccuracyBeforeDrift)}  after {Fmt(v.AccuracyAfterDrift)}  recovery {(v.RecoveryEvents?.ToString(CultureInfo.InvariantCulture) ?? "-"),6}  detected after {(v.DetectionDelayEvents?.ToString(CultureInfo.InvariantCulture) ?? "-"),5}  {v.EventsPerSecond,9:0} ev/s  drifts {v.DriftsDetected}  corrected {v.LabelsCorrected}  down-weighted {v.SamplesDownWeighted}  adopted {v.ChallengersAdopted}"));

    private static string Fmt(double? x) => x is double d ? d.ToString("0.0000", CultureInfo.InvariantCulture) : "-     ";

    private static JsonObject ToJson(VariantScore v, bool curves)
    {
        var json = new JsonObject
        {
        ["accuracy"] = Math.Round(v.Accuracy, 6),
        ["accuracyBeforeDrift"] = v.AccuracyBeforeDrift is double b ? Math.Round(b, 6) : null,
        ["accuracyAfterDrift"] = v.AccuracyAfterDrift is double a ? Math.Round(a, 6) : null,
        ["recoveryEvents"] = v.RecoveryEvents,
        ["eventsPerSecond"] = Math.Round(v.EventsPerSecond, 1),
        ["driftsDetected"] = v.DriftsDetected,
        ["labelsCorrected"] = v.LabelsCorrected,
        ["samplesDownWeighted"] = v.SamplesDownWeighted,
        ["detectionDelayEvents"] = v.DetectionDelayEvents,
        ["challengersAdopted"] = v.ChallengersAdopted,
        };
        if (v.TeacherAccuracy is double t) json["teacherAccuracy"] = Math.Round(t, 6);
        if (v.TeacherMemberAccuracy is double m) json["teacherMemberAccuracy"] = Math.Round(m, 6);
        if (v.DistillationWeight is double w) json["distillationWeight"] = Math.Round(w, 6);
        if (v.TeacherDrifts is long d) json["teacherDrifts"] = d;
        if (v.ArmAccuracy is { } arms)
        {
            foreach (var (arm, accuracy) in arms) json["arm." + arm] = Math.Round(accuracy, 6);
            json["bestArmAccuracy"] = Math.Round(arms.Values.Max(), 6);
            json["servedSwitches"] = v.ServedSwitches;
            json["switchesPer2000"] = Math.Round(v.SwitchesPer2000 ?? 0, 4);
            json["finalArm"] = v.FinalArm;
        }
        if (curves) json["curve"] = new JsonArray(v.Curve.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        return json;
    }
}
