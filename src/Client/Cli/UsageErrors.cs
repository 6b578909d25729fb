using System.CommandLine;
using System.CommandLine.Parsing;

namespace StreamLabel.Client.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into the client's usage messages ("models: unknown option '--colour'
/// (known: ...)", "model: missing model KEY"), chosen by what failed rather than by its English wording, so scripts and
/// tests that read them keep working.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The first problem, in the order the hand-written parser reported them: an unknown word, an option
    /// without its value, a missing positional, a missing required option, a missing subcommand.</summary>
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult;
        string prefix = ParsedArgs.Path(command) is { Length: > 0 } path ? path + ": " : "";
        if (result.UnmatchedTokens.Count > 0) return prefix + Unmatched(command.Command, result.UnmatchedTokens[0]);

        var errors = result.Errors.Select(e => e.SymbolResult).ToList();
        if (errors.OfType<OptionResult>().FirstOrDefault(o => o.IdentifierToken is not null) is { } noValue)
            return $"{prefix}{noValue.Option.Name} needs a value";
        if (errors.OfType<ArgumentResult>().FirstOrDefault() is { } missing)
            return $"{prefix}missing {missing.Argument.Description}";
        if (errors.OfType<OptionResult>().FirstOrDefault() is { } required)
            return $"{prefix}{required.Option.Name} is required ({required.Option.Description})";
        if (command.Command.Subcommands.Count > 0)
            return $"{prefix}expected {string.Join(" or ", command.Command.Subcommands.Select(s => $"`{Synopsis(s, ParsedArgs.Path(command))}`"))}";
        return prefix + string.Join("; ", result.Errors.Select(e => e.Message));
    }

    private static string Unmatched(Command command, string token)
    {
        if (token.Length > 1 && token[0] == '-' && !char.IsDigit(token[1]))
        {
            var known = command.Options.Where(o => !o.Hidden).Select(o => o.Name).Order(StringComparer.Ordinal);
            return $"unknown option '{token}' (known: {string.Join(", ", known)})";
        }
        if (command.Subcommands.Count == 0) return $"unexpected argument '{token}'";
        var names = command.Subcommands.Select(s => s.Name);
        return command is RootCommand ? $"unknown command '{token}' (commands: {string.Join(", ", names)})"
            : $"unknown subcommand '{token}' (expected {string.Join(" or ", names)})";
    }

    /// <summary>"spec set KEY [options]": a command with its positionals, as the usage lines write it.</summary>
    public static string Synopsis(Command command, string parentPath) =>
        string.Join(' ', new[] { parentPath, command.Name }.Concat(command.Arguments.Select(a => a.Name)).Where(s => s.Length > 0)) + " [options]";
}
