using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace StreamLabel.Client.Cli;

/// <summary>
/// A parsed command line as the commands read it: option values and positionals by name, as text. System.CommandLine
/// only splits the line; values are checked here so the messages stay the client's own ("--noise must be in [0, 1]").
/// </summary>
public sealed class ParsedArgs
{
    private readonly ParseResult _result;

    internal ParsedArgs(ParseResult result) => _result = result;

    /// <summary>The command's path without the executable, e.g. "spec set", for messages.</summary>
    public string Command => Path(_result.CommandResult);

    public bool Json => Has("--json");

    /// <summary>Whether the option was given on the command line.</summary>
    public bool Has(string name) => _result.GetResult(name) is OptionResult { Implicit: false };

    /// <summary>An option's value (the last one when given twice) or a positional argument, by name; null when absent.</summary>
    public string? Value(string name) => _result.GetResult(name) switch
    {
        OptionResult { Implicit: false, Tokens.Count: > 0 } option => option.GetValueOrDefault<string>(),
        ArgumentResult { Tokens.Count: > 0 } argument => argument.GetValueOrDefault<string>(),
        _ => null,
    };

    internal static string Path(CommandResult? command)
    {
        var names = new List<string>();
        for (var c = command; c is not null && c.Command is not RootCommand; c = c.Parent as CommandResult) names.Add(c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    public double? Number(string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var v = Value(name);
        if (v is null) return null;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            throw new UsageException($"{Command}: {name} expects a number, got '{v}'");
        if (d < min || d > max) throw new UsageException($"{Command}: {name} must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got {v}");
        return d;
    }

    public int? Integer(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = Value(name);
        if (v is null) return null;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw new UsageException($"{Command}: {name} expects a whole number, got '{v}'");
        if (n < min || n > max) throw new UsageException($"{Command}: {name} must be between {min} and {max}, got {n}");
        return n;
    }

    public float[] Floats(string name, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !float.IsFinite(result[i]))
                throw new UsageException($"{Command}: {name} value {i + 1} ('{parts[i]}') is not a finite number");
        return result;
    }
}
