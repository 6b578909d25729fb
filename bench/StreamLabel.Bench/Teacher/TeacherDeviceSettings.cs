using System.Globalization;
using StreamLabel.Grains.Teacher;

namespace StreamLabel.Bench.Teacher;

/// <summary>Options of `teacher-device`; defaults are the teacher grain's (TeacherOptions, StudentOptions).</summary>
public sealed record TeacherDeviceSettings
{
    public const string Help = """
        teacher-device options (the teacher grain's learner on each device, same stream, same seed):
          --data PATH         CSV(.gz) stream, label last. Default data/elec2.csv.gz
          --events N          first N events. Default 20000
          --noise R           symmetric label noise rate. Default 0.2
          --batch B           rows per teacher step. Default 64
          --hidden H,H        teacher hidden layers. Default 64,64 (Teacher:HiddenLayers' default)
          --pull-every P      a soft-target pull every P steps. Default 4
          --pull-rows R       rows per pull (Student:ForwardRowsPerPull-sized). Default 256
          --devices LIST      devices to compare, the first is the reference. Default cpu,cuda
          --require-cuda      exit 1 unless CUDA ran and matched the reference (see bench/README.md)
          --json OUT          write the results as JSON
        """;

    public string Data { get; init; } = "data/elec2.csv.gz";
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

    public static TeacherDeviceSettings Parse(string[] args)
    {
        var s = new TeacherDeviceSettings();
        var a = new BenchArgs(args);
        while (a.MoveNext())
        {
            string name = a.Name;
            string Value() => a.Value();
            int Int(int min) => a.Int(min);
            s = name switch
            {
                "--data" => s with { Data = Value() },
                "--events" => s with { Events = Int(1) },
                "--noise" => s with { Noise = Rate(name, Value()) },
                "--batch" => s with { Batch = Int(1) },
                "--hidden" => s with { Hidden = Value().Split(',').Select(h => int.TryParse(h, out int w) && w > 0 ? w
                    : throw new ArgumentException($"--hidden must be positive widths separated by commas (got '{h}')")).ToArray() },
                "--pull-every" => s with { PullEveryBatches = Int(1) },
                "--pull-rows" => s with { PullRows = Int(1) },
                "--devices" => s with { Devices = ParseDevices(Value()) },
                "--require-cuda" => s with { RequireCuda = true },
                "--json" => s with { Json = Value() },
                _ => throw a.Unknown(),
            };
        }
        return s;
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
