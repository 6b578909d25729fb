using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace StreamLabel.Bench.Cli;

/// <summary>
/// A bench command's parsed options, as text, for the command's own parser. System.CommandLine only splits the line and
/// rejects unknown options; the values are checked by the command, whose <see cref="ArgumentException"/>s name the option
/// and the bad value and become usage errors (exit 2).
/// </summary>
internal sealed class OptionValues(ParseResult result)
{
    /// <summary>Whether the option was given on the command line.</summary>
    public bool Has(string name) => Given(name) is not null;

    /// <summary>The option's value (the last one when given twice); null when absent.</summary>
    public string? Text(string name) => Given(name)?.Tokens[^1].Value;

    /// <summary>Every value of a repeatable option, in command-line order.</summary>
    public IEnumerable<string> All(string name) => Given(name)?.Tokens.Select(t => t.Value) ?? [];

    /// <summary>The option's value as an integer of at least <paramref name="min"/>, or <paramref name="fallback"/> when absent.</summary>
    public int Int(string name, int min, int fallback)
    {
        if (Text(name) is not { } v) return fallback;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min)
            throw new ArgumentException($"{name} must be an integer >= {min} (got '{v}')");
        return n;
    }

    /// <summary>Every option given, name to last value (flags map to "").</summary>
    public Dictionary<string, string> ByName() => result.CommandResult.Children.OfType<OptionResult>()
        .Where(o => !o.Implicit && o.Option is not System.CommandLine.Help.HelpOption)
        .ToDictionary(o => o.Option.Name, o => o.Tokens.Count > 0 ? o.Tokens[^1].Value : "", StringComparer.Ordinal);

    private OptionResult? Given(string name) =>
        result.GetResult(name) is OptionResult { Implicit: false } option ? option : null;
}
