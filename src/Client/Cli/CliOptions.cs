using System.CommandLine;

namespace StreamLabel.Client.Cli;

/// <summary>
/// How the client declares its options to System.CommandLine. Every value is taken as text and checked by the command
/// (so the messages are the client's own), and a repeated option keeps its last value, as the hand-written parser did.
/// </summary>
internal static class CliOptions
{
    public static Option<string> Value(string name, string helpName, string description, params string[] completions)
    {
        var option = new Option<string>(name)
        {
            HelpName = helpName,
            Description = description,
            Arity = ArgumentArity.OneOrMore, // one value per occurrence (AllowMultipleArgumentsPerToken is off); the last wins
            CustomParser = result => result.Tokens[^1].Value,
        };
        if (completions.Length > 0) option.CompletionSources.Add(completions);
        return option;
    }

    /// <summary>An option the command cannot run without; its description ends the "is required (...)" message.</summary>
    public static Option<string> Required(string name, string helpName, string description)
    {
        var option = Value(name, helpName, description);
        option.Required = true;
        return option;
    }

    /// <summary>A switch: takes no value, so `--json true` leaves `true` as an unexpected argument.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static Option<bool> Json() => Flag("--json", "print JSON on stdout instead of tables");

    /// <summary>Where the cluster is; every cluster command takes these (README: Connecting).</summary>
    public static Option[] Connection() =>
    [
        Value("--gateway", "HOST:PORT", "a silo gateway (default 127.0.0.1:30000, or Cluster:GatewayHost/GatewayPort)"),
        Value("--membership", "redis|adonet", "find the gateways in the silos' membership table instead", "localhost", "redis", "adonet"),
        Value("--connection", "STRING", "Redis configuration or ADO.NET connection string for --membership"),
        Value("--cluster-id", "ID", "must match the silos' Cluster:ClusterId (default streamlabel)"),
        Value("--service-id", "ID", "must match the silos' Cluster:ServiceId (default streamlabel)"),
        Value("--config", "FILE", "settings file read after appsettings.json beside the client"),
        Value("--timeout", "SECONDS", "how long to try to reach a gateway (default 10)"),
    ];
}
