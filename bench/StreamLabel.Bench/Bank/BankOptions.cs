using System.CommandLine;
using StreamLabel.Bench.Cli;
using StreamLabel.Grains.Student;

namespace StreamLabel.Bench.Bank;

/// <summary>Options of `bank`: the same synthetic events and model shape for every variant it compares.</summary>
public sealed record BankOptions
{
    public int Keys { get; init; } = 16;
    public int Batch { get; init; } = 32;
    public int Events { get; init; } = 64_000;
    public int Hidden { get; init; } = 32;
    public int Features { get; init; } = 8;
    public int DistillRows { get; init; } = new StudentOptions().DistillationRowsPerStep;
    public int Rounds { get; init; } = 3;
    public int TorchThreads { get; init; } = 1;
    public int MemoryStudents { get; init; } = 2000;
    /// <summary>Measure only the bank on one thread: the per-learner and tuned runs take most of a run's time, so
    /// many rounds of the bank alone fit where a loaded machine needs them.</summary>
    public bool BankOnly { get; init; }
    /// <summary>Also measure the bank through a scheduler set of each of these worker counts (empty = skip).</summary>
    public IReadOnlyList<int> Workers { get; init; } = [];
    public string? Json { get; init; }

    /// <summary>The options as System.CommandLine declares them: the names <see cref="Parse"/> reads and the help text.</summary>
    internal static IEnumerable<Option> Declared() =>
    [
        BenchOptions.Value("--keys", "K", "students (one per key). Default 16"),
        BenchOptions.Value("--batch", "B", "rows per step and key. Default 32"),
        BenchOptions.Value("--events", "N", "labeled events in all. Default 64000"),
        BenchOptions.Value("--hidden", "H", "MLP hidden width (features F, classes 2). Default 32"),
        BenchOptions.Value("--features", "F", "features per event. Default 8"),
        BenchOptions.Value("--distill-rows", "D", "replayed rows with teacher targets per step (Student:DistillationRowsPerStep). Default 32"),
        BenchOptions.Value("--rounds", "R", "measure each variant R times, report medians. Default 3"),
        BenchOptions.Value("--torch-threads", "T", "torch.set_num_threads; 0 = TorchSharp's default. Default 1"),
        BenchOptions.Value("--memory-students", "M", "bytes per student: M OnlineLearners vs M bank slots (0 = skip). Default 2000"),
        BenchOptions.Flag("--bank-only", "measure only the bank on one thread (no per-learner, scheduler, tuned or memory runs)"),
        BenchOptions.Value("--workers", "W1,W2", "also measure the bank through a scheduler set of W bank workers (Student:BankWorkers), each key its own awaiting loop, for each W. Default none"),
        BenchOptions.Value("--json", "OUT", "also write every round and the medians as JSON to OUT"),
    ];

    /// <summary>Reads the parsed options; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    internal static BankOptions Parse(OptionValues v)
    {
        var d = new BankOptions();
        var o = d with
        {
            Keys = v.Int("--keys", 1, d.Keys),
            Batch = v.Int("--batch", 1, d.Batch),
            Events = v.Int("--events", 1, d.Events),
            Hidden = v.Int("--hidden", 1, d.Hidden),
            Features = v.Int("--features", 1, d.Features),
            DistillRows = v.Int("--distill-rows", 0, d.DistillRows),
            Rounds = v.Int("--rounds", 1, d.Rounds),
            TorchThreads = v.Int("--torch-threads", 0, d.TorchThreads),
            MemoryStudents = v.Int("--memory-students", 0, d.MemoryStudents),
            BankOnly = v.Has("--bank-only"),
            Workers = v.Text("--workers") is { } w ? ParseWorkers(w) : [],
            Json = v.Text("--json"),
        };
        if (o.Events < o.Keys) throw new ArgumentException($"--events ({o.Events}) must be at least --keys ({o.Keys})");
        return o;
    }

    private static int[] ParseWorkers(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("--workers needs at least one count, e.g. --workers 1,2");
        return parts.Select(p => int.TryParse(p, out int n) && n >= 1 ? n : throw new ArgumentException($"--workers: '{p}' is not a worker count >= 1")).ToArray();
    }
}
