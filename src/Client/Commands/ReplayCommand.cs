using System.CommandLine;
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
    public static Command Create(CommandIO io)
    {
        var command = new Command("replay", "produces a dataset into Kafka (noisy label in the event, clean label in a header), with a progress bar")
        {
            new Argument<string>("FILE") { Description = "dataset file: a CSV file, optionally gzipped (FILE.csv.gz)" },
            CliOptions.Required("--label-column", "C", "a column name, or an index; -1 = last"),
            CliOptions.Value("--key", "K", "the model key of every event (default: default)"),
            CliOptions.Value("--key-column", "C", "take each event's model key from this column instead"),
            CliOptions.Value("--noise", "R", "fraction of training labels flipped, in [0, 1] (default 0)"),
            CliOptions.Value("--unlabeled", "F", "fraction of events sent without a label, in [0, 1]: students publish predictions of them (default 0)"),
            CliOptions.Value("--noise-kind", "symmetric|pairflip", "how labels are flipped (default symmetric)", "symmetric", "pairflip"),
            CliOptions.Value("--drift-at", "F", "swap the classes from this fraction of the replayed stream on, in [0, 1]"),
            CliOptions.Value("--rate", "EVENTS_PER_S", "pace the replay (default 0: as fast as Kafka takes it)"),
            CliOptions.Value("--seed", "S", "seed of the label noise (default 1)"),
            CliOptions.Value("--events", "N", "replay only the first N rows (default: all)"),
            CliOptions.Value("--topic", "T", "Kafka topic (default events)"),
            CliOptions.Value("--bootstrap", "SERVERS", "Kafka bootstrap servers (default Kafka:BootstrapServers, then 127.0.0.1:9092)"),
            CliOptions.Value("--config", "FILE", "settings file: Kafka:BootstrapServers and Kafka:Client:* librdkafka settings (SASL/TLS)"),
            CliOptions.Flag("--no-progress", "no progress bar on stderr"),
            CliOptions.Json(),
        };
        command.SetAction(result => RunAsync(new ParsedArgs(result), io));
        return command;
    }

    private static async Task<int> RunAsync(ParsedArgs a, CommandIO io)
    {
        string file = a.Value("FILE")!;
        if (a.Has("--key") && a.Has("--key-column")) throw new UsageException("replay: give --key or --key-column, not both");
        string label = a.Value("--label-column")!;
        var kafka = KafkaSettings.From(a);
        string bootstrap = a.Value("--bootstrap") ?? kafka.BootstrapServers ?? "127.0.0.1:9092";
        if (string.IsNullOrWhiteSpace(bootstrap)) throw new UsageException("replay: --bootstrap must not be empty");
        var options = new ReplayOptions
        {
            Topic = a.Value("--topic") ?? "events",
            Key = a.Value("--key") ?? "default",
            KeyColumn = a.Value("--key-column"),
            Noise = a.Number("--noise", 0, 1) ?? 0,
            Unlabeled = a.Number("--unlabeled", 0, 1) ?? 0,
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
            produced = await new DatasetReplayer(bootstrap, kafka.Client).ReplayAsync(data, options, bar, cancellationToken: io.Cancellation);
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
