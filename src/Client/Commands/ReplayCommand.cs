using System.Diagnostics;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;
using StreamLabel.Client.Queries;
using StreamLabel.Datasets;
using StreamLabel.Streaming.Replay;

namespace StreamLabel.Client.Commands;

/// <summary>
/// `streamlabel replay FILE --label-column C [--key K|--key-column C] [--noise R] ...`: produces a dataset into Kafka
/// (noisy training label in the event, clean label in a header), with a progress bar on stderr.
/// </summary>
internal static class ReplayCommand
{
    private static readonly string[] Options =
        ["--label-column", "--key", "--key-column", "--noise", "--noise-kind", "--drift-at", "--rate", "--seed", "--events", "--topic", "--bootstrap",
         "--config"];

    public static async Task<int> RunAsync(string[] args, CommandIO io)
    {
        var a = ParsedArgs.Parse("replay", args, Options, ["--no-progress"]);
        string file = a.Positional(0, "dataset file: streamlabel replay FILE.csv[.gz] --label-column C");
        a.NoMorePositionals(1);
        if (a.Has("--key") && a.Has("--key-column")) throw new UsageException("replay: give --key or --key-column, not both");
        string label = a.Value("--label-column") ?? throw new UsageException("replay: --label-column is required (a column name, or an index; -1 = last)");
        var kafka = KafkaSettings.From(a);
        string bootstrap = a.Value("--bootstrap") ?? kafka.BootstrapServers ?? "127.0.0.1:9092";
        if (string.IsNullOrWhiteSpace(bootstrap)) throw new UsageException("replay: --bootstrap must not be empty");
        var options = new ReplayOptions
        {
            Topic = a.Value("--topic") ?? "events",
            Key = a.Value("--key") ?? "default",
            KeyColumn = a.Value("--key-column"),
            Noise = a.Number("--noise", 0, 1) ?? 0,
            NoiseKind = a.Value("--noise-kind") is { } kind ? ParseKind(kind) : NoiseKind.Symmetric,
            DriftAt = a.Number("--drift-at", 0, 1),
            Rate = a.Number("--rate", 0) ?? 0,
            Seed = a.Integer("--seed") ?? 1,
            MaxEvents = (long)(a.Number("--events", 0) ?? 0),
        };
        if (string.IsNullOrWhiteSpace(options.Topic)) throw new UsageException("replay: --topic must not be empty");
        if (!File.Exists(file)) throw new UsageException($"replay: dataset file not found: {file}");

        LabeledDataset data;
        try { data = CsvDatasetReader.Read(file, label); }
        catch (FormatException e) { throw new CommandFailedException($"replay: {e.Message}", e); }
        // With --events N the replayed stream is the first N rows, so --drift-at is a fraction of what is replayed.
        if (options.MaxEvents > 0 && options.MaxEvents < data.Count) data = data.Take((int)options.MaxEvents);

        var clock = Stopwatch.StartNew();
        var bar = a.Has("--no-progress") ? null : new ProgressBar(io.Error, clock);
        long produced;
        try
        {
            produced = await new DatasetReplayer(bootstrap, kafka.Client).ReplayAsync(data, options, bar, io.Cancellation);
        }
        catch (InvalidOperationException e)
        {
            throw new CommandFailedException($"{e.Message} (Kafka at {bootstrap})", e);
        }
        bar?.Finish();
        double seconds = clock.Elapsed.TotalSeconds;
        if (a.Json)
        {
            Json.Write(io.Out, new ReplayView(data.Name, options.Topic, bootstrap, produced, seconds, produced / Math.Max(1e-3, seconds),
                options.Noise, options.NoiseKind.ToString().ToLowerInvariant(), options.DriftAt));
        }
        else io.Out.WriteLine($"produced {produced:N0} events from {data.Name} into {options.Topic} at {bootstrap} in {seconds:F1} s ({produced / Math.Max(1e-3, seconds):N0} ev/s)");
        return 0;
    }

    private static NoiseKind ParseKind(string text)
    {
        try { return LabelNoise.ParseKind(text); }
        catch (ArgumentException e) { throw new UsageException($"replay: --noise-kind {e.Message.Split(" (Parameter")[0]}"); }
    }
}
