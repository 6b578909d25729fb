using System.CommandLine;
using StreamLabel.Bench.Cli;

namespace StreamLabel.Bench.Throughput;

/// <summary>Options of `throughput`. Defaults are the issue's target shape: 16 keys, 8 partitions, MLP hidden 32.</summary>
public sealed class ThroughputOptions
{
    public int Keys { get; private set; } = 16;
    public int Events { get; private set; } = 200_000;
    public int Partitions { get; private set; } = 8;
    public int Batch { get; private set; } = new StreamLabel.Grains.Student.StudentOptions().MaxBatchSize;
    public int Hidden { get; private set; } = 32;
    public int BacklogBatch { get; private set; } = new StreamLabel.Grains.Student.StudentOptions().MaxBacklogBatchSize;
    /// <summary>Rows per step of the bare runs and PyTorch: the backlog step when it is on, else the normal one.</summary>
    public int StepRows => BacklogBatch > 0 ? BacklogBatch : Batch;
    public int Features { get; private set; } = 8;
    public int TorchThreads { get; private set; } = 1;
    public int Rounds { get; private set; } = 3;
    public int LatencySeconds { get; private set; } = 10;
    public int IdleStudents { get; private set; } = 2000;
    public bool PyTorch { get; private set; } = true;
    public string? Json { get; private set; }
    public bool EndToEndOnly { get; private set; }
    public bool MemoryOnly { get; private set; }
    public int LatencyWindowMs { get; private set; }
    public bool AllocationProfile { get; private set; }
    public bool JitProfile { get; private set; }
    /// <summary>Events/s of a latency-only run; 0 = the full run (latency at half the measured end-to-end rate).</summary>
    public int LatencyOnlyRate { get; private set; }
    public int HoldSeconds { get; private set; }
    public int IdleEvents { get; private set; } = 1;
    public Dictionary<string, string?> Settings { get; } = [];
    public bool MultiSilo { get; private set; }
    public int[] SiloCounts { get; private set; } = [1, 2];
    public int TeacherCore { get; private set; }

    /// <summary>The options as System.CommandLine declares them: the names <see cref="Parse"/> reads and the help text.</summary>
    internal static IEnumerable<Option> Declared() =>
    [
        BenchOptions.Value("--keys", "K", "model keys (one student each). Default 16"),
        BenchOptions.Value("--events", "N", "labeled events produced and learned. Default 200000 (the mock broker slows on long partitions)"),
        BenchOptions.Value("--partitions", "P", "partitions of the events topic. Default 8"),
        BenchOptions.Value("--batch", "B", "largest micro-batch per learning step (Student:MaxBatchSize; the bare run uses the same). Default 32 (the silo's)"),
        BenchOptions.Value("--backlog-batch", "B2", "step size while a student catches up a backlog (Student:MaxBacklogBatchSize); the bare runs " +
            "(learners, bank) and PyTorch step in B2 too. 0 = off, every step at most B. Default 0 (the silo's: fewer updates cost accuracy); " +
            "--backlog-batch 256 measures the faster catch-up mode"),
        BenchOptions.Value("--hidden", "H", "MLP hidden width (features 8, classes 2). Default 32"),
        BenchOptions.Value("--features", "F", "features per event. Default 8"),
        BenchOptions.Value("--rounds", "R", "measure raw / bare / end to end R times (own topic and silo each) and report medians. Default 3"),
        BenchOptions.Value("--torch-threads", "T", "torch.set_num_threads for this process; 0 = leave TorchSharp's default. Default 1"),
        BenchOptions.Value("--latency-seconds", "S", "length of the half-rate latency run. Default 10"),
        BenchOptions.Value("--idle-students", "M", "students activated for the memory-per-student figure, in two halves (at least 2). Default 2000"),
        BenchOptions.Value("--idle-events", "N", "events each of those students learns before it is idle (1: a key seen once; a key " +
            "that was busy has learned hundreds). Default 1"),
        BenchOptions.Flag("--no-pytorch", "skip the PyTorch reference (/usr/bin/python3 with python3-torch)"),
        BenchOptions.Value("--set", "Section:Key=V", "silo setting for the end-to-end runs (repeatable), e.g. --set Kafka:PollInterval=00:00:00.005"),
        BenchOptions.Value("--hold-seconds", "S", "keep the idle-student silo up S seconds while its students are active (attach " +
            "dotnet-counters / dotnet-gcdump). Default 0"),
        BenchOptions.Flag("--e2e-only", "skip baselines, latency and memory (for profiling the end-to-end path)"),
        BenchOptions.Value("--latency-windows", "MS", "print produce→learned p50/p99/max per MS-millisecond window of the latency run (finds stalls)"),
        BenchOptions.Flag("--alloc-profile", "with --latency-only or --e2e-only: sampled allocations by type during the measure"),
        BenchOptions.Flag("--jit-profile", "with --e2e-only: the methods JIT-compiled from silo start to the end of the measure, by tier (a window still compiling measures warm-up)"),
        BenchOptions.Flag("--memory-only", "only the idle-student memory measure (a silo, no throughput rounds)"),
        BenchOptions.Value("--latency-only", "R", "only the latency measure, at R events/s (a silo after the warm-up pass, no throughput rounds)"),
        BenchOptions.Value("--json", "OUT", "also write the results as JSON to OUT"),
        BenchOptions.Flag("--multi-silo", "scale-out mode instead: redis-server, the broker and streamlabel-silo processes (src/Silo, " +
            "built Release), each silo pinned to a core with taskset, measured for each --silos count"),
        BenchOptions.Value("--silos", "N1,N2", "(multi-silo) silo counts to compare in one run; silo i runs on core i-1. Default 1,2"),
        BenchOptions.Value("--teacher-core", "C", "(multi-silo) core of the teacher's silo (accelerator=gpu). Default 0 (shares silo 1's core)"),
    ];

    /// <summary>Reads the parsed options; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    internal static ThroughputOptions Parse(OptionValues v)
    {
        var o = new ThroughputOptions();
        o.Keys = v.Int("--keys", 1, o.Keys);
        o.Events = v.Int("--events", 1, o.Events);
        o.Partitions = v.Int("--partitions", 1, o.Partitions);
        o.Batch = v.Int("--batch", 1, o.Batch);
        o.Hidden = v.Int("--hidden", 1, o.Hidden);
        o.BacklogBatch = v.Int("--backlog-batch", 0, o.BacklogBatch);
        o.Features = v.Int("--features", 1, o.Features);
        o.TorchThreads = v.Int("--torch-threads", 0, o.TorchThreads);
        o.Rounds = v.Int("--rounds", 1, o.Rounds);
        o.LatencySeconds = v.Int("--latency-seconds", 1, o.LatencySeconds);
        o.IdleStudents = v.Int("--idle-students", 2, o.IdleStudents);
        o.PyTorch = !v.Has("--no-pytorch");
        o.Json = v.Text("--json");
        o.EndToEndOnly = v.Has("--e2e-only");
        o.MemoryOnly = v.Has("--memory-only");
        o.LatencyWindowMs = v.Int("--latency-windows", 1, o.LatencyWindowMs);
        o.AllocationProfile = v.Has("--alloc-profile");
        o.JitProfile = v.Has("--jit-profile");
        o.LatencyOnlyRate = v.Int("--latency-only", 1, o.LatencyOnlyRate);
        o.HoldSeconds = v.Int("--hold-seconds", 0, o.HoldSeconds);
        o.IdleEvents = v.Int("--idle-events", 1, o.IdleEvents);
        o.MultiSilo = v.Has("--multi-silo");
        o.TeacherCore = v.Int("--teacher-core", 0, o.TeacherCore);
        if (v.Text("--silos") is { } list)
            o.SiloCounts = list.Split(',').Select(x => int.TryParse(x, out int n) && n >= 1 ? n
                : throw new ArgumentException($"--silos needs silo counts >= 1 separated by commas (got '{list}')")).ToArray();
        foreach (string pair in v.All("--set"))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--set needs Section:Key=Value (got '{pair}')");
            o.Settings[pair[..eq]] = pair[(eq + 1)..];
        }
        if (o.BacklogBatch != 0 && o.BacklogBatch < o.Batch)
            throw new ArgumentException($"--backlog-batch ({o.BacklogBatch}) must be 0 (off) or at least --batch ({o.Batch}), as Student:MaxBacklogBatchSize");
        int cores = Environment.ProcessorCount;
        if (o.MultiSilo && o.SiloCounts.Max() > cores) throw new ArgumentException($"--silos {o.SiloCounts.Max()} needs as many cores; this machine has {cores}");
        if (o.MultiSilo && o.TeacherCore >= cores) throw new ArgumentException($"--teacher-core {o.TeacherCore} is not a core of this machine (0..{cores - 1})");
        if (o.Events < o.Keys) throw new ArgumentException($"--events ({o.Events}) must be at least --keys ({o.Keys})");
        return o;
    }
}
