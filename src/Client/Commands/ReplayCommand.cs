using System.Globalization;
using StreamLabel.Datasets;
using StreamLabel.Streaming.Kafka.Replay;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel replay FILE --label-column C [--key K|--key-column C] [--noise R] ...`: produce a dataset into Kafka.</summary>
internal static class ReplayCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--")) throw new ArgumentException("replay needs a dataset file: streamlabel replay FILE.csv[.gz] --label-column C");
        string file = args[0], label = "-1", bootstrap = Environment.GetEnvironmentVariable("Kafka__BootstrapServers") ?? "127.0.0.1:9092";
        var options = new ReplayOptions();
        for (int i = 1; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            double Number() { var v = Value(); return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"{name} expects a number, got '{v}'"); }
            if (name == "--label-column") { label = Value(); continue; }
            if (name == "--bootstrap") { bootstrap = Value(); continue; }
            options = name switch
            {
                "--key" => options with { Key = Value() },
                "--key-column" => options with { KeyColumn = Value() },
                "--noise" => options with { Noise = Number() },
                "--noise-kind" => options with { NoiseKind = LabelNoise.ParseKind(Value()) },
                "--drift-at" => options with { DriftAt = Number() },
                "--rate" => options with { Rate = Number() },
                "--seed" => options with { Seed = (int)Number() },
                "--events" => options with { MaxEvents = (long)Number() },
                "--topic" => options with { Topic = Value() },
                _ => throw new ArgumentException($"unknown replay option '{name}'"),
            };
        }
        var data = CsvDatasetReader.Read(file, label);
        var progress = new Progress<(long Produced, long Total)>(p =>
            Console.Error.Write($"\rreplay: {p.Produced:N0}/{p.Total:N0} ({100.0 * p.Produced / Math.Max(1, p.Total):F0}%)"));
        long produced = await new DatasetReplayer(bootstrap).ReplayAsync(data, options, progress);
        Console.Error.WriteLine();
        Console.WriteLine($"produced {produced} events from {data.Name} into {options.Topic} at {bootstrap}");
        return 0;
    }
}
