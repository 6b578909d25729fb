using System.CommandLine;
using System.CommandLine.Invocation;
using StreamLabel.Client.Cli;

namespace StreamLabel.Client.Commands;

/// <summary>
/// `streamlabel COMMAND ...` on System.CommandLine: every command (and `--help` on each), shell completion through
/// dotnet-suggest. Exit codes: 0 ok, 1 the request failed (cluster unreachable, unknown model, bad file), 2 usage error
/// (unknown command/option, bad value), 130 cancelled. Results go to <c>stdout</c>, messages to <c>stderr</c>.
/// </summary>
public static class CommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var io = new CommandIO(stdout, stderr, cancellationToken);
        // No command: the overview, as a usage error. `help [COMMAND]` is kept as another spelling of --help.
        if (args.Length == 0)
        {
            var toStderr = io with { Out = stderr };
            await Parse(["--help"], toStderr).InvokeAsync(Invocation(toStderr), cancellationToken);
            return 2;
        }
        if (args[0] == "help") args = [.. args[1..], "--help"];
        var result = Parse(args, io);
        string path = ParsedArgs.Path(result.CommandResult);
        try
        {
            if (result.Action is ParseErrorAction) throw new UsageException(UsageErrors.Describe(result));
            return await result.InvokeAsync(Invocation(io), cancellationToken);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"streamlabel: {e.Message}");
            stderr.WriteLine(path.Length > 0 ? $"run `streamlabel {path} --help` for usage" : "run `streamlabel --help` for usage");
            return 2;
        }
        catch (ArgumentException e)
        {
            // Values rejected by the dataset/replay code (e.g. a label column that does not exist).
            stderr.WriteLine($"streamlabel: {e.Message}");
            return 2;
        }
        catch (CommandFailedException e)
        {
            stderr.WriteLine($"streamlabel: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("streamlabel: cancelled");
            return 130;
        }
        catch (Exception e)
        {
            // Anything else (a grain's exception, a Redis or Kafka client error): one line naming the command, no stack trace.
            stderr.WriteLine($"streamlabel: {(path.Length > 0 ? path : args[0])} failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Parses without running: the command tree writes to <paramref name="io"/>.</summary>
    internal static ParseResult Parse(IReadOnlyList<string> args, CommandIO io) =>
        // No response files: `@name` stays a plain argument, as it always was (a dataset path may start with @).
        Root(io).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    private static RootCommand Root(CommandIO io)
    {
        Command[] commands =
        [
            StatusCommand.Create(io), ModelsCommand.Create(io), ModelCommand.Create(io), PredictCommand.Create(io), SpecCommand.Create(io),
            ReplayCommand.Create(io), TeacherCommand.Create(io), QuarantineCommand.Create(io), DashboardCommand.Create(io),
        ];
        var root = new RootCommand(Overview(commands));
        foreach (var command in commands) root.Add(command);
        return root;
    }

    /// <summary>The root help's list of every runnable command with its positionals, e.g. "spec set KEY [options]".</summary>
    private static string Overview(IEnumerable<Command> commands)
    {
        var lines = commands
            .SelectMany(c => c.Subcommands.Count == 0 ? [(Path: "", Command: c)] : c.Subcommands.Select(s => (Path: c.Name, Command: s)))
            .Select(x => (Usage: UsageErrors.Synopsis(x.Command, x.Path), x.Command.Description))
            .ToList();
        int width = lines.Max(l => l.Usage.Length) + 2;
        return "StreamLabel operator command line. Tables by default, JSON with --json; `streamlabel COMMAND --help` for a command's options.\n\n"
            + string.Join("\n", lines.Select(l => l.Usage.PadRight(width) + l.Description));
    }

    // Our writers, not the console's (tests run the CLI in-process); our handlers, not System.CommandLine's: exceptions
    // reach RunAsync's exit codes, and Ctrl-C is already the caller's cancellation token.
    private static InvocationConfiguration Invocation(CommandIO io) => new()
    {
        Output = io.Out,
        Error = io.Error,
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = null,
    };
}

/// <summary>Where a command writes, and its cancellation.</summary>
public sealed record CommandIO(TextWriter Out, TextWriter Error, CancellationToken Cancellation);
