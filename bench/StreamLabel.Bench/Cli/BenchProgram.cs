using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace StreamLabel.Bench.Cli;

/// <summary>
/// A bench program on System.CommandLine: `PROGRAM COMMAND [options]`, `--help` on the program and on each command
/// (exit 0). A usage error (unknown command or option, a missing or bad value) prints "COMMAND: message" and the
/// command's help on stderr and exits 2; otherwise the exit code is the command's.
/// </summary>
internal static class BenchProgram
{
    /// <summary>The program's root: a plain command named after the program (a RootCommand takes the host's file name,
    /// "testhost" under a test runner), with the recursive --help.</summary>
    public static Command Root(string name, string description, params Command[] commands)
    {
        var root = new Command(name, description) { new HelpOption() };
        foreach (var command in commands) root.Add(command);
        return root;
    }

    /// <summary>A command whose options are read by <paramref name="parse"/>; its <see cref="ArgumentException"/>s are usage errors.</summary>
    public static Command Command<TOptions>(string name, string description, IEnumerable<Option> options,
        Func<OptionValues, TOptions> parse, Func<TOptions, Task<int>> run)
    {
        var command = new Command(name, description);
        foreach (var option in options) command.Add(option);
        command.SetAction((result, _) =>
        {
            TOptions parsed;
            try { parsed = parse(new OptionValues(result)); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            return run(parsed);
        });
        return command;
    }

    public static async Task<int> RunAsync(Command root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        // No command: the overview, as a usage error. `help [COMMAND]` is kept as another spelling of --help.
        if (args.Length == 0)
        {
            await HelpAsync(root, null, stderr);
            return 2;
        }
        if (args[0] == "help") args = [.. args[1..], "--help"];
        var result = root.Parse(args, Configuration);
        var command = result.CommandResult.Command == root ? null : result.CommandResult.Command;
        try
        {
            if (result.Action is ParseErrorAction) throw new UsageException(Describe(result));
            return await result.InvokeAsync(Invocation(stdout, stderr));
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"{(command ?? root).Name}: {e.Message}");
            await HelpAsync(root, command, stderr);
            return 2;
        }
    }

    // The first problem, by what failed: an unknown word, an option without its value, anything else in the parser's words.
    private static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            if (token.Length > 1 && token[0] == '-' && !char.IsDigit(token[1]))
                return $"unknown option '{token}' (known: {string.Join(", ", command.Options.Where(o => o is not HelpOption).Select(o => o.Name))})";
            return command.Subcommands.Count > 0
                ? $"unknown command '{token}' (commands: {string.Join(", ", command.Subcommands.Select(s => s.Name))})"
                : $"unexpected argument '{token}'";
        }
        if (result.Errors.Select(e => e.SymbolResult).OfType<System.CommandLine.Parsing.OptionResult>().FirstOrDefault() is { } noValue)
            return $"{noValue.Option.Name} needs a value";
        if (command.Subcommands.Count > 0) return $"expected a command: {string.Join(", ", command.Subcommands.Select(s => s.Name))}";
        return string.Join("; ", result.Errors.Select(e => e.Message));
    }

    private static Task<int> HelpAsync(Command root, Command? command, TextWriter writer) =>
        root.Parse(command is null ? ["--help"] : [command.Name, "--help"], Configuration).InvokeAsync(Invocation(writer, writer));

    // No response files: `@name` stays a plain argument, as it always was (a file name may start with @).
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    // Our writers, not the console's (tests run the programs in-process); our handling of exceptions: a failed run is the
    // command's own business, and Ctrl-C is left to the commands that stop on it.
    private static InvocationConfiguration Invocation(TextWriter stdout, TextWriter stderr) => new()
    {
        Output = stdout,
        Error = stderr,
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = null,
    };
}
