using System.Text.Json;
using StreamLabel.Client.Commands;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>Runs `streamlabel ARGS` in-process (the same entry point as the executable) and captures its output.</summary>
public static class CliRunner
{
    /// <summary>How long one command may run; the dashboard commands that run until cancelled stop well before.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public JsonElement Json() => JsonDocument.Parse(Out).RootElement;
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, new StringWriter(), CancellationToken.None);

    /// <summary>With a writer the caller can read while the command runs (e.g. the dashboard's URL), and a Ctrl-C token.</summary>
    public static async Task<Result> RunAsync(string[] args, StringWriter output, CancellationToken cancellation)
    {
        var e = new StringWriter();
        var run = CommandLine.RunAsync(args, TextWriter.Synchronized(output), TextWriter.Synchronized(e), cancellation);
        int code;
        // A command that never returns fails its test with what it printed, instead of holding the whole test run.
        try { code = await run.WaitAsync(Patience, CancellationToken.None); } // the caller's token is the command's own Ctrl-C
        catch (TimeoutException)
        {
            throw new TimeoutException($"streamlabel {string.Join(' ', args)} did not return within {Patience.TotalSeconds} s\nstdout:\n{output}\nstderr:\n{e}");
        }
        return new Result(code, output.ToString(), e.ToString());
    }
}
