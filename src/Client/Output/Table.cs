using System.Globalization;

namespace StreamLabel.Client.Output;

/// <summary>A plain aligned text table for humans (the default output); numbers are right-aligned.</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public Table Add(params object?[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"row has {cells.Length} cells, table has {headers.Length} columns");
        _rows.Add(cells.Select(Format).ToArray());
        return this;
    }

    public void Write(TextWriter output)
    {
        var widths = headers.Select((h, c) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[c].Length))).ToArray();
        var numeric = headers.Select((_, c) => _rows.Count > 0 && _rows.All(r => r[c] == "-" || double.TryParse(r[c].TrimEnd('%', 's'), NumberStyles.Float, CultureInfo.InvariantCulture, out double _))).ToArray();
        output.WriteLine(string.Join("  ", headers.Select((h, c) => numeric[c] ? h.PadLeft(widths[c]) : h.PadRight(widths[c]))).TrimEnd());
        foreach (var row in _rows)
            output.WriteLine(string.Join("  ", row.Select((v, c) => numeric[c] ? v.PadLeft(widths[c]) : v.PadRight(widths[c]))).TrimEnd());
        if (_rows.Count == 0) output.WriteLine("(none)");
    }

    public static string Format(object? value) => value switch
    {
        null => "-",
        double d when double.IsNaN(d) => "-",
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        float f => f.ToString("0.####", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };

    public static string Percent(double fraction) => double.IsNaN(fraction) ? "-" : (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>"-" for an unknown value (e.g. teacher agreement before any distillation).</summary>
    public static string Percent(double? fraction) => fraction is double f ? Percent(f) : "-";
}
