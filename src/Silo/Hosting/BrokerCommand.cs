using System.Runtime.InteropServices;
using StreamLabel.Streaming.Kafka.Embedded;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// `streamlabel-silo broker [--brokers N] [--partitions P] [--topics a,b]`: the embedded broker on its own.
/// Fault injection from outside the process (scripts/local-cluster.sh broker-down|broker-up): SIGUSR1 takes every
/// broker down (clients see connection failures), SIGUSR2 brings them back; topics and data are kept.
/// </summary>
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
        Console.Error.WriteLine($"embedded Kafka-protocol broker: {options.Brokers} broker(s), topics {string.Join(",", options.EffectiveTopics)} x {options.Partitions} partitions. Ctrl-C stops it.");
        using var down = PosixSignalRegistration.Create(SigUsr1, c => { c.Cancel = true; SetAll(broker, options.Brokers, up: false); });
        using var up = PosixSignalRegistration.Create(SigUsr2, c => { c.Cancel = true; SetAll(broker, options.Brokers, up: true); });
        var stopped = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
        await stopped.Task;
        return 0;
    }

    // Linux signal numbers; PosixSignalRegistration takes raw values cast to PosixSignal.
    private const PosixSignal SigUsr1 = (PosixSignal)10;
    private const PosixSignal SigUsr2 = (PosixSignal)12;

    private static void SetAll(EmbeddedKafkaBroker broker, int brokers, bool up)
    {
        for (int id = 1; id <= brokers; id++)
            if (up) broker.SetBrokerUp(id); else broker.SetBrokerDown(id);
        Console.Error.WriteLine($"embedded broker: {brokers} broker(s) {(up ? "up" : "down")}");
    }

    private static int ParseInt(string text, string option) =>
        int.TryParse(text, out var v) ? v : throw new ArgumentException($"{option} expects a whole number, got '{text}'");
}
