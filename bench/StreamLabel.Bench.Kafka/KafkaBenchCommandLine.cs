using System.CommandLine;
using StreamLabel.Bench.Cli;

namespace StreamLabel.Bench.Kafka;

/// <summary>
/// `streamlabel-bench-kafka provider [options]`, on the same command line as streamlabel-bench (bench/StreamLabel.Bench/Cli):
/// `--help` exits 0, a usage error exits 2, a run exits 1 unless every event arrived.
/// </summary>
public static class KafkaBenchCommandLine
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        BenchProgram.RunAsync(Root(), args, stdout, stderr);

    private static Command Root() => BenchProgram.Root("streamlabel-bench-kafka", "The Kafka stream provider's throughput (no learning).",
        BenchProgram.Command("provider", "events/s of the Kafka stream provider (no-op consumer grains) against a raw Confluent.Kafka consumer, same broker and messages",
            ProviderOptions.Declared(), ProviderOptions.Parse, ProviderBenchmark.RunAsync));
}
