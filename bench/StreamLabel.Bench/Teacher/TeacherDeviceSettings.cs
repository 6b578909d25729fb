using System.CommandLine;
using System.Globalization;
using StreamLabel.Bench.Cli;
using StreamLabel.Grains.Teacher;

namespace StreamLabel.Bench.Teacher;

/// <summary>Options of `teacher-device`; defaults are the teacher grain's (TeacherOptions, StudentOptions).</summary>
public sealed record TeacherDeviceSettings
{
    public string Data { get; init; } = "data/elec2.csv.gz";
    /// <summary>"ensemble" (Teacher:Kind's default) or "replay".</summary>
    public string Teacher { get; init; } = new TeacherOptions().Kind;
    /// <summary>torch.set_num_threads before the runs; 0 = TorchSharp's default (all cores).</summary>
    public int TorchThreads { get; init; }
    public int Events { get; init; } = 20_000;
    public double Noise { get; init; } = 0.2;
    public int Batch { get; init; } = 64;
    public int[] Hidden { get; init; } = new TeacherOptions().EffectiveHiddenLayers;
    public int PullEveryBatches { get; init; } = 4;
    public int PullRows { get; init; } = 256;
    public int ProbeRows { get; init; } = 256;
    public string[] Devices { get; init; } = ["cpu", "cuda"];
    public bool RequireCuda { get; init; }
    public string? Json { get; init; }
    public int ReplayBufferRows { get; init; } = new TeacherOptions().ReplayBufferRows;
    public int ReplayBatches { get; init; } = new TeacherOptions().ReplayBatches;

    /// <summary>The options as System.CommandLine declares them: the names <see cref="Parse"/> reads and the help text.</summary>
    internal static IEnumerable<Option> Declared() =>
    [
        BenchOptions.Value("--data", "PATH", "CSV(.gz) stream, label last. Default data/elec2.csv.gz"),
        BenchOptions.Value("--teacher", "ensemble|replay", "the teacher grain's learner to measure. Default ensemble (Teacher:Kind's default)"),
        BenchOptions.Value("--torch-threads", "T", "torch.set_num_threads for the runs (1 = one core's worth); 0 = TorchSharp's default. Default 0"),
        BenchOptions.Value("--events", "N", "first N events. Default 20000"),
        BenchOptions.Value("--noise", "R", "symmetric label noise rate. Default 0.2"),
        BenchOptions.Value("--batch", "B", "rows per teacher step. Default 64"),
        BenchOptions.Value("--hidden", "H,H", "teacher hidden layers. Default 64,64 (Teacher:HiddenLayers' default)"),
        BenchOptions.Value("--pull-every", "P", "a soft-target pull every P steps. Default 4"),
        BenchOptions.Value("--pull-rows", "R", "rows per pull (Student:ForwardRowsPerPull-sized). Default 256"),
        BenchOptions.Value("--devices", "LIST", "devices to compare, the first is the reference. Default cpu,cuda"),
        BenchOptions.Flag("--require-cuda", "exit 1 unless CUDA ran and matched the reference (see bench/README.md)"),
        BenchOptions.Value("--json", "OUT", "write the results as JSON"),
    ];

    /// <summary>Reads the parsed options; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    internal static TeacherDeviceSettings Parse(OptionValues v)
    {
        var s = new TeacherDeviceSettings();
        return s with
        {
            Data = v.Text("--data") ?? s.Data,
            Teacher = v.Text("--teacher") is { } teacher ? teacher is "ensemble" or "replay" ? teacher
                : throw new ArgumentException($"--teacher must be ensemble or replay (got '{teacher}')") : s.Teacher,
            TorchThreads = v.Int("--torch-threads", 0, s.TorchThreads),
            Events = v.Int("--events", 1, s.Events),
            Noise = v.Text("--noise") is { } noise ? Rate("--noise", noise) : s.Noise,
            Batch = v.Int("--batch", 1, s.Batch),
            Hidden = v.Text("--hidden") is { } hidden ? hidden.Split(',').Select(h => int.TryParse(h, out int w) && w > 0 ? w
                : throw new ArgumentException($"--hidden must be positive widths separated by commas (got '{h}')")).ToArray() : s.Hidden,
            PullEveryBatches = v.Int("--pull-every", 1, s.PullEveryBatches),
            PullRows = v.Int("--pull-rows", 1, s.PullRows),
            Devices = v.Text("--devices") is { } devices ? ParseDevices(devices) : s.Devices,
            RequireCuda = v.Has("--require-cuda"),
            Json = v.Text("--json"),
        };
    }

    private static double Rate(string name, string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r is >= 0 and < 1 ? r
            : throw new ArgumentException($"{name} must be a number in [0, 1) (got '{v}')");

    private static string[] ParseDevices(string v)
    {
        var list = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var d in list)
            if (d is not ("cpu" or "cuda" or "auto")) throw new ArgumentException($"--devices: '{d}' is not one of cpu, cuda, auto");
        return list.Length > 0 ? list : throw new ArgumentException("--devices needs at least one device");
    }
}
