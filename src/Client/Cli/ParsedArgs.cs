using System.Globalization;

namespace StreamLabel.Client.Cli;

/// <summary>
/// A command's arguments: positionals, `--name value` options and `--flag` switches. Only declared names are
/// accepted, so a typo fails with the list of known options instead of being ignored.
/// </summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly string _command;

    public IReadOnlyList<string> Positionals { get; }

    private ParsedArgs(string command, List<string> positionals)
    {
        _command = command;
        Positionals = positionals;
    }

    /// <summary>Options every cluster command takes (connection + output).</summary>
    public static readonly string[] ConnectionOptions = ["--gateway", "--membership", "--connection", "--cluster-id", "--service-id", "--config", "--timeout"];

    public static ParsedArgs Parse(string command, IReadOnlyList<string> args, IEnumerable<string> valueOptions, IEnumerable<string> flagOptions)
    {
        var values = new HashSet<string>(valueOptions, StringComparer.Ordinal);
        var flags = new HashSet<string>(flagOptions, StringComparer.Ordinal) { "--json" };
        var positionals = new List<string>();
        var parsed = new ParsedArgs(command, positionals);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--")
            {
                positionals.Add(a);
                continue;
            }
            string name = a; string? inline = null;
            int eq = a.IndexOf('=');
            if (eq > 0) { name = a[..eq]; inline = a[(eq + 1)..]; }
            if (flags.Contains(name))
            {
                if (inline is not null) throw new UsageException($"{command}: {name} takes no value");
                parsed._flags.Add(name);
            }
            else if (values.Contains(name))
            {
                string? v = inline ?? (i + 1 < args.Count ? args[++i] : null);
                if (v is null) throw new UsageException($"{command}: {name} needs a value");
                parsed._values[name] = v;
            }
            else
            {
                var known = values.Concat(flags).Order(StringComparer.Ordinal);
                throw new UsageException($"{command}: unknown option '{name}' (known: {string.Join(", ", known)})");
            }
        }
        return parsed;
    }

    public string Command => _command;
    public bool Json => _flags.Contains("--json");
    public bool Has(string flag) => _flags.Contains(flag) || _values.ContainsKey(flag);
    public string? Value(string name) => _values.GetValueOrDefault(name);

    public string Positional(int index, string what)
    {
        if (index < Positionals.Count) return Positionals[index];
        throw new UsageException($"{_command}: missing {what}");
    }

    public void NoMorePositionals(int expected)
    {
        if (Positionals.Count > expected)
            throw new UsageException($"{_command}: unexpected argument '{Positionals[expected]}'");
    }

    public double? Number(string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var v = Value(name);
        if (v is null) return null;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            throw new UsageException($"{_command}: {name} expects a number, got '{v}'");
        if (d < min || d > max) throw new UsageException($"{_command}: {name} must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got {v}");
        return d;
    }

    public int? Integer(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = Value(name);
        if (v is null) return null;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw new UsageException($"{_command}: {name} expects a whole number, got '{v}'");
        if (n < min || n > max) throw new UsageException($"{_command}: {name} must be between {min} and {max}, got {n}");
        return n;
    }

    public bool? Boolean(string name)
    {
        var v = Value(name);
        if (v is null) return null;
        return v.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" or "1" => true,
            "false" or "no" or "off" or "0" => false,
            _ => throw new UsageException($"{_command}: {name} expects true or false, got '{v}'"),
        };
    }

    public float[] Floats(string name, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !float.IsFinite(result[i]))
                throw new UsageException($"{_command}: {name} value {i + 1} ('{parts[i]}') is not a finite number");
        return result;
    }
}
