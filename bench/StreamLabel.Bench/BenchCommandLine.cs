using System.CommandLine;
using StreamLabel.Bench.Bank;
using StreamLabel.Bench.Cli;
using StreamLabel.Bench.Quality;
using StreamLabel.Bench.Teacher;
using StreamLabel.Bench.Throughput;

namespace StreamLabel.Bench;

/// <summary>
/// `streamlabel-bench COMMAND [options]`: `quality` (learning core on real streams), `throughput` (end to end against
/// baselines in one run), `bank` (per-learner steps versus one model bank), `teacher-device` (the teacher on CPU vs
/// CUDA). Exit codes: 0 ok, 1 a failed run or check, 2 usage error; `COMMAND --help` lists a command's options.
/// </summary>
public static class BenchCommandLine
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        BenchProgram.RunAsync(Root(), args, stdout, stderr);

    private static Command Root() => BenchProgram.Root("streamlabel-bench", "StreamLabel benchmarks (see bench/README.md).",
        BenchProgram.Command("quality", "the learning core on a CSV stream with injected label noise (and drift), every variant scored against the clean truth",
            QualityOptions.Declared(), QualityOptions.Parse, o => Task.FromResult(QualityCommand.Run(o))),
        BenchProgram.Command("throughput", "end to end (broker, provider, student grains) against a raw consumer, the bare learning core and PyTorch, in one run",
            ThroughputOptions.Declared(), ThroughputOptions.Parse, ThroughputCommand.RunAsync),
        BenchProgram.Command("bank", "per-learner steps versus one model bank on the same events",
            BankOptions.Declared(), BankOptions.Parse, o => Task.FromResult(BankCommand.Run(o))),
        BenchProgram.Command("teacher-device", "the teacher grain's learner on each device, same stream, same seed",
            TeacherDeviceSettings.Declared(), TeacherDeviceSettings.Parse, s => Task.FromResult(TeacherDeviceCommand.Run(s))));
}
