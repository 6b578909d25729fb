using System.Globalization;
using System.IO.Compression;

namespace StreamLabel.Datasets;

/// <summary>
/// Reads a CSV stream dataset (optionally .gz). The header is detected: a first line is a header when one of its
/// fields is not a number in a column whose second-line value is. Without a header, columns are named c0, c1, ...
/// All columns other than the label must be numeric; the label may be any text.
/// </summary>
public static class CsvDatasetReader
{
    /// <param name="labelColumn">A column name, or an index (0-based; negative counts from the end, -1 = last).</param>
    public static LabeledDataset Read(string path, string labelColumn = "-1")
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"dataset file not found: {path}", path);
        using var stream = OpenMaybeGzip(path);
        using var reader = new StreamReader(stream);
        return Read(reader, Path.GetFileName(path), labelColumn);
    }

    public static LabeledDataset Read(TextReader reader, string name, string labelColumn = "-1")
    {
        var lines = new List<string>();
        for (string? line; (line = reader.ReadLine()) != null;)
            if (line.Trim().Length > 0) lines.Add(line);
        if (lines.Count < 2) throw new FormatException($"{name}: needs at least two non-empty lines");

        var first = lines[0].Split(',');
        var second = lines[1].Split(',');
        bool hasHeader = first.Length == second.Length &&
            Enumerable.Range(0, first.Length).Any(i => !IsNumber(first[i]) && IsNumber(second[i]));
        string[] names = hasHeader ? first.Select(f => f.Trim()).ToArray()
            : Enumerable.Range(0, first.Length).Select(i => "c" + i).ToArray();
        int label = ResolveColumn(labelColumn, names, name);

        var featureNames = names.Where((_, i) => i != label).ToArray();
        var rows = lines.Skip(hasHeader ? 1 : 0).ToList();
        var features = new float[rows.Count][];
        var rawLabels = new string[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var fields = rows[r].Split(',');
            int lineNo = r + (hasHeader ? 2 : 1);
            if (fields.Length != names.Length)
                throw new FormatException($"{name}: line {lineNo} has {fields.Length} fields, expected {names.Length}");
            var row = new float[featureNames.Length];
            for (int c = 0, f = 0; c < fields.Length; c++)
            {
                if (c == label) continue;
                if (!float.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out row[f]) || !float.IsFinite(row[f]))
                    throw new FormatException($"{name}: line {lineNo}, column '{names[c]}': '{fields[c]}' is not a finite number");
                f++;
            }
            features[r] = row;
            rawLabels[r] = fields[label].Trim();
        }

        var classes = OrderClasses(rawLabels.Distinct());
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        return new LabeledDataset(name, featureNames, classes, features, rawLabels.Select(l => index[l]).ToArray());
    }

    /// <summary>Numeric labels sort by value, others ordinally, so class indices are stable across runs.</summary>
    private static string[] OrderClasses(IEnumerable<string> labels)
    {
        var list = labels.ToList();
        return list.All(IsNumber)
            ? list.OrderBy(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray()
            : list.OrderBy(l => l, StringComparer.Ordinal).ToArray();
    }

    private static int ResolveColumn(string column, string[] names, string file)
    {
        int byName = Array.FindIndex(names, n => string.Equals(n, column, StringComparison.OrdinalIgnoreCase));
        if (byName >= 0) return byName;
        if (int.TryParse(column, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
        {
            int resolved = index < 0 ? names.Length + index : index;
            if (resolved >= 0 && resolved < names.Length) return resolved;
            throw new ArgumentException($"label column {index} is out of range for {file} ({names.Length} columns)", nameof(column));
        }
        throw new ArgumentException($"label column '{column}' not found in {file}; columns: {string.Join(",", names)}", nameof(column));
    }

    private static bool IsNumber(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static Stream OpenMaybeGzip(string path)
    {
        Stream file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
