using StreamLabel.Streaming.Kafka.Embedded;

namespace StreamLabel.Silo.Hosting;

/// <summary>`streamlabel-silo broker [--brokers N] [--partitions P] [--topics a,b]`: the embedded broker on its own.</summary>
internal static class BrokerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new EmbeddedBrokerOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--brokers": options.Brokers = ParseInt(Value(), "--brokers"); break;
                case "--partitions": options.Partitions = ParseInt(Value(), "--partitions"); break;
                case "--topics": options.Topics = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}' (known: --brokers, --partitions, --topics)");
            }
        }
        using var broker = EmbeddedKafkaBroker.Start(options);
        // The first line is the address alone, so scripts can read it: BOOT=$(streamlabel-silo broker | head -1).
        Console.WriteLine(broker.BootstrapServers);
        Console.Error.WriteLine($"embedded Kafka-protocol broker: {options.Brokers} broker(s), topics {string.Join(",", options.Topics)} x {options.Partitions} partitions. Ctrl-C stops it.");
        var stopped = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
        await stopped.Task;
        return 0;
    }

    private static int ParseInt(string text, string option) =>
        int.TryParse(text, out var v) ? v : throw new ArgumentException($"{option} expects a whole number, got '{text}'");
}
