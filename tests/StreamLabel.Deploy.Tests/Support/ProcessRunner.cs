using System.Diagnostics;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>Runs a command to completion and returns its exit code and output; a timeout kills it and fails.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string Describe(string what) => $"{what} exited {ExitCode}\nstdout:\n{Tail(StdOut)}\nstderr:\n{Tail(StdErr)}";
        private static string Tail(string s) => s.Length > 6000 ? "..." + s[^6000..] : s;
    }

    public static Result Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} ran past {timeout}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
