using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
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
    /// <summary>Runs `broker` with <paramref name="args"/> (the words after it): exit 0 when stopped, 2 on a usage error.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var brokersOption = Value("--brokers", "N", "brokers in the cluster (ids 1..N). Default 1");
        var partitionsOption = Value("--partitions", "P", "partitions of each topic. Default 8");
        var topicsOption = Value("--topics", "a,b", "topics created up front, separated by commas. Default events");
        var command = new Command("broker", "the embedded Kafka-protocol broker on its own; SIGUSR1 takes every broker down, SIGUSR2 brings them back")
        {
            brokersOption, partitionsOption, topicsOption,
        };
        // Only `broker` is parsed here: the main host's --Section:Key=value arguments belong to the configuration system.
        var root = new Command("streamlabel-silo") { new HelpOption(), command };
        var result = root.Parse(["broker", .. args], new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Action is HelpAction)
            return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        var options = new EmbeddedBrokerOptions();
        try
        {
            if (result.Action is ParseErrorAction) throw new ArgumentException(Describe(result));
            if (Text(result, brokersOption) is { } brokers) options.Brokers = ParseInt(brokers, brokersOption.Name);
            if (Text(result, partitionsOption) is { } partitions) options.Partitions = ParseInt(partitions, partitionsOption.Name);
            if (Text(result, topicsOption) is { } topics) options.Topics = topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"streamlabel-silo broker: {e.Message}");
            stderr.WriteLine("run `streamlabel-silo broker --help` for usage");
            return 2;
        }
        return await ServeAsync(options, stdout, stderr);
    }

    private static async Task<int> ServeAsync(EmbeddedBrokerOptions options, TextWriter stdout, TextWriter stderr)
    {
        using var broker = EmbeddedKafkaBroker.Start(options);
        // The first line is the address alone, so scripts can read it: BOOT=$(streamlabel-silo broker | head -1).
        stdout.WriteLine(broker.BootstrapServers);
        stderr.WriteLine($"embedded Kafka-protocol broker: {options.Brokers} broker(s), topics {string.Join(",", options.EffectiveTopics)} x {options.Partitions} partitions. Ctrl-C stops it.");
        using var down = PosixSignalRegistration.Create(SigUsr1, c => { c.Cancel = true; SetAll(broker, options.Brokers, up: false, stderr); });
        using var up = PosixSignalRegistration.Create(SigUsr2, c => { c.Cancel = true; SetAll(broker, options.Brokers, up: true, stderr); });
        var stopped = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
        await stopped.Task;
        return 0;
    }

    // Linux signal numbers; PosixSignalRegistration takes raw values cast to PosixSignal.
    private const PosixSignal SigUsr1 = (PosixSignal)10;
    private const PosixSignal SigUsr2 = (PosixSignal)12;

    private static void SetAll(EmbeddedKafkaBroker broker, int brokers, bool up, TextWriter stderr)
    {
        for (int id = 1; id <= brokers; id++)
            if (up) broker.SetBrokerUp(id); else broker.SetBrokerDown(id);
        stderr.WriteLine($"embedded broker: {brokers} broker(s) {(up ? "up" : "down")}");
    }

    // Values as text, checked here so the messages stay the command's own; a repeated option keeps its last value.
    private static Option<string> Value(string name, string helpName, string description) => new(name)
    {
        HelpName = helpName,
        Description = description,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = result => result.Tokens[^1].Value,
    };

    private static string? Text(ParseResult result, Option<string> option) =>
        result.GetResult(option) is OptionResult { Implicit: false, Tokens.Count: > 0 } given ? given.Tokens[^1].Value : null;

    // The first problem, by what failed: an unknown word, an option without its value.
    private static string Describe(ParseResult result)
    {
        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"unknown option '{token}' (known: --brokers, --partitions, --topics)" : $"unexpected argument '{token}'";
        }
        return result.Errors.Select(e => e.SymbolResult).OfType<OptionResult>().FirstOrDefault() is { } noValue
            ? $"{noValue.Option.Name} needs a value" : string.Join("; ", result.Errors.Select(e => e.Message));
    }

    private static int ParseInt(string text, string option) =>
        int.TryParse(text, out var v) ? v : throw new ArgumentException($"{option} expects a whole number, got '{text}'");
}
