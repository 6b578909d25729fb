using System.CommandLine;

namespace StreamLabel.Bench.Cli;

/// <summary>
/// How the bench programs declare their options to System.CommandLine. Every value is taken as text and checked by the
/// command's own parser, so the messages stay the bench's ("--noise must be in [0, 1) (got 2)"); a repeated option keeps
/// its last value, as the hand-written parsers did, and <see cref="OptionValues.All"/> reads every occurrence.
/// </summary>
internal static class BenchOptions
{
    public static Option<string> Value(string name, string helpName, string description) => new(name)
    {
        HelpName = helpName,
        Description = description,
        Arity = ArgumentArity.OneOrMore, // one value per occurrence (AllowMultipleArgumentsPerToken is off)
        CustomParser = result => result.Tokens[^1].Value,
    };

    /// <summary>A switch: takes no value, so `--no-pytorch true` leaves `true` as an unexpected argument.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };
}
