using StreamLabel.Bench.Bank;
using StreamLabel.Bench.Quality;
using StreamLabel.Bench.Teacher;
using StreamLabel.Bench.Throughput;

// Subcommands: `quality` (learning core on real streams), `throughput` (end to end against baselines in one run),
// `bank` (per-learner steps versus one model bank), `teacher-device` (the teacher on CPU vs CUDA).
return args.Length == 0 ? Usage() : args[0] switch
{
    "quality" => QualityCommand.Run(args[1..]),
    "throughput" => await ThroughputCommand.RunAsync(args[1..]),
    "bank" => BankCommand.Run(args[1..]),
    "teacher-device" => TeacherDeviceCommand.Run(args[1..]),
    "-h" or "--help" or "help" => Usage(0),
    _ => Usage(),
};

static int Usage(int code = 2)
{
    (code == 0 ? Console.Out : Console.Error).WriteLine(
        "usage: streamlabel-bench quality|throughput|bank|teacher-device [options]  (see bench/README.md)\n" + QualityOptions.Help + "\n" + ThroughputOptions.Help + "\n" + BankCommand.Help + "\n" + TeacherDeviceSettings.Help);
    return code;
}
