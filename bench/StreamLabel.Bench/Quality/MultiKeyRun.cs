using StreamLabel.Datasets;
using StreamLabel.Learning;
using StreamLabel.Learning.Teacher;

namespace StreamLabel.Bench.Quality;

/// <summary>
/// `--keys K`: one stream's rows dealt round-robin to K keys, each with its own student of the variant, all sharing
/// one group teacher that learns every key's rows (what a teacher grain serves). `--late-key-at F` adds a key that
/// only starts receiving rows (as one more key of the round-robin) from fraction F of the stream on.
/// </summary>
public static class MultiKeyRun
{
    /// <summary>Window (events of the late key) over which "caught up" is judged, as the recovery figure is.</summary>
    public const int Window = VariantScore.Window;

    public static MultiKeyScore Run(string variant, NoisyStream stream, QualityOptions options)
    {
        var data = stream.Data;
        int f = data.FeatureCount, k = data.ClassCount, n = data.Count, keys = options.Keys, batch = options.Batch;
        var labels = variant == "clean" ? stream.Truth : stream.TrainingLabels;
        var spec = QualityRun.StudentSpec(variant, f, k, options);
        int lateStart = options.LateKeyAt is double at ? (int)Math.Round(at * n) : n;
        int total = keys + (options.LateKeyAt is null ? 0 : 1);
        var students = Enumerable.Range(0, total).Select(i => new OnlineLearner(spec with { Seed = spec.Seed + 104729 * i })).ToArray();
        var gates = Enumerable.Range(0, total).Select(_ => new TeacherAdvantage()).ToArray();
        using var teacher = QualityRun.UsesTeacher(variant) ? new EnsembleTeacher(spec, QualityRun.TeacherOptionsFor(options)) : null;
        try
        {
            // Deal the rows: before lateStart among the first K keys, from it on among all of them.
            var owner = new int[n];
            for (int i = 0, late = 0; i < n; i++) owner[i] = i < lateStart ? i % keys : (late++) % total;
            var rowsOf = Enumerable.Range(0, total).Select(key => Enumerable.Range(0, n).Where(i => owner[i] == key).ToArray()).ToArray();
            var hit = new bool[n];
            long teacherHits = 0;
            var cursor = new int[total];
            // Rounds in stream order: each key learns its next batch of rows, the teacher every key's batch.
            for (int round = 0; cursor.Select((c, key) => c < rowsOf[key].Length).Any(x => x); round++)
            {
                int roundEnd = Math.Min(n, (round + 1) * batch * keys);
                for (int key = 0; key < total; key++)
                {
                    var mine = rowsOf[key];
                    int from = cursor[key], to = from;
                    while (to < mine.Length && to - from < batch && mine[to] < roundEnd) to++;
                    if (to == from) continue;
                    // A key that joins late may start from what the group teacher knows (a warm start) instead of cold.
                    if (from == 0 && key == total - 1 && options.LateKeyAt is not null && teacher is not null)
                        QualityRun.Rehearse(students[key], teacher, 1, batch, options.LateKeyWarmStart);
                    cursor[key] = to;
                    int rows = to - from;
                    var x = new float[rows * f];
                    var y = new int[rows];
                    for (int r = 0; r < rows; r++) { data.Features[mine[from + r]].CopyTo(x, r * f); y[r] = labels[mine[from + r]]; }
                    PrequentialResult result;
                    if (teacher is null) result = students[key].TestThenTrain(x, rows, y);
                    else
                    {
                        var t = teacher.TestThenTrain(x, rows, y);
                        double w = options.TeacherGate == "always" ? 1 : gates[key].Weight;
                        result = students[key].TestThenTrain(x, rows, y, FreshDistillation.For(students[key], x, rows, y, t.CleanProbabilities, w, w > 0 ? teacher.SampleWindow(teacher.Options.DistillWindowRows) : null));
                        gates[key].Add(t.Predicted, result.Predicted, y);
                        QualityRun.Rehearse(students[key], teacher, w, batch, options.TeacherRehearse);
                        for (int r = 0; r < rows; r++) if (t.Predicted[r] == stream.Truth[mine[from + r]]) teacherHits++;
                    }
                    for (int r = 0; r < rows; r++) hit[mine[from + r]] = result.Predicted[r] == stream.Truth[mine[from + r]];
                }
            }
            var keyAccuracy = rowsOf.Select(rows => rows.Length == 0 ? double.NaN : rows.Count(i => hit[i]) / (double)rows.Length).ToArray();
            int? parity = options.LateKeyAt is null ? null : Parity(rowsOf[total - 1], owner, hit, total - 1);
            // What a warm start changes most: the late key's first events, before its own labels have taught it much.
            var lateRows = rowsOf[total - 1];
            double? lateFirst = options.LateKeyAt is null || lateRows.Length == 0 ? null : lateRows.Take(Window).Count(i => hit[i]) / (double)Math.Min(Window, lateRows.Length);
            return new MultiKeyScore(variant, hit.Count(h => h) / (double)n, keyAccuracy, options.LateKeyAt is null ? null : keyAccuracy[^1], parity,
                teacher is null ? null : (double)teacherHits / n, lateFirst);
        }
        finally
        {
            foreach (var s in students) s.Dispose();
        }
    }

    // First n >= Window late-key events at which its accuracy over its last Window events is within 2 points of the
    // other keys' accuracy over the same stretch of the stream; null when it never catches up.
    private static int? Parity(int[] late, int[] owner, bool[] hit, int lateKey)
    {
        for (int m = Window; m <= late.Length; m++)
        {
            int from = late[m - Window], to = late[m - 1];
            double mine = 0;
            for (int j = m - Window; j < m; j++) if (hit[late[j]]) mine++;
            int others = 0, othersHit = 0;
            for (int i = from; i <= to; i++) if (owner[i] != lateKey) { others++; if (hit[i]) othersHit++; }
            if (others > 0 && mine / Window >= (double)othersHit / others - 0.02) return m;
        }
        return null;
    }
}

/// <summary>A multi-key run: accuracy over all rows, per key, the late key's (all its events, and its first 500), its
/// events to parity, the teacher's.</summary>
public sealed record MultiKeyScore(string Variant, double Accuracy, double[] KeyAccuracy, double? LateKeyAccuracy, int? LateKeyParityEvents,
    double? TeacherAccuracy, double? LateKeyFirstAccuracy);
