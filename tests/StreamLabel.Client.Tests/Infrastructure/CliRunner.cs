using System.Text.Json;
using StreamLabel.Client.Commands;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>Runs `streamlabel ARGS` in-process (the same entry point as the executable) and captures its output.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public JsonElement Json() => JsonDocument.Parse(Out).RootElement;
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = await CommandLine.RunAsync(args, o, e);
        return new Result(code, o.ToString(), e.ToString());
    }
}
