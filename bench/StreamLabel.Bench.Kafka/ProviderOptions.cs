using System.CommandLine;
using StreamLabel.Bench.Cli;

namespace StreamLabel.Bench.Kafka;

/// <summary>Options of `provider`: how many events, partitions, keys and features the measured stream has.</summary>
internal sealed record ProviderOptions
{
    public int Events { get; init; } = 200_000;
    public int Partitions { get; init; } = 8;
    public int Keys { get; init; } = 64;
    public int Features { get; init; } = 8;

    /// <summary>The options as System.CommandLine declares them: the names <see cref="Parse"/> reads and the help text.</summary>
    public static IEnumerable<Option> Declared() =>
    [
        BenchOptions.Value("--events", "N", "events produced and consumed. Default 200000"),
        BenchOptions.Value("--partitions", "P", "partitions of the topic. Default 8"),
        BenchOptions.Value("--keys", "K", "record keys (one consumer grain each). Default 64"),
        BenchOptions.Value("--features", "F", "features per event. Default 8"),
    ];

    /// <summary>Reads the parsed options; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static ProviderOptions Parse(OptionValues v)
    {
        var d = new ProviderOptions();
        return d with
        {
            Events = v.Int("--events", 1, d.Events),
            Partitions = v.Int("--partitions", 1, d.Partitions),
            Keys = v.Int("--keys", 1, d.Keys),
            Features = v.Int("--features", 1, d.Features),
        };
    }
}
