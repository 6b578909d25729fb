using System.CommandLine;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Connection;
using StreamLabel.Client.Queries;
using Microsoft.Extensions.DependencyInjection;

namespace StreamLabel.Client.Commands;

/// <summary>A cluster command: its own arguments and options plus the connection options and --json; connects, runs, disconnects.</summary>
internal static class ClusterCommand
{
    public static Command Create(string name, string description, Func<ParsedArgs, Task<int>> run, params Symbol[] own)
    {
        var command = new Command(name, description);
        foreach (var symbol in own)
        {
            if (symbol is Argument argument) command.Add(argument);
            else command.Add((Option)symbol);
        }
        foreach (var option in CliOptions.Connection()) command.Add(option);
        command.Add(CliOptions.Json());
        command.SetAction(result => run(new ParsedArgs(result)));
        return command;
    }

    /// <summary>The model KEY positional of model, predict and spec.</summary>
    public static Argument<string> Key() => new("KEY") { Description = "model KEY, as listed by `streamlabel models`" };

    public static async Task<int> RunAsync(ParsedArgs args, CommandIO io, Func<ClusterQueries, Task<int>> run)
    {
        var settings = ConnectionSettings.From(args); // usage errors before any network
        using var host = await ClusterConnection.ConnectAsync(settings, io.Cancellation);
        try
        {
            return await run(new ClusterQueries(host.Services.GetRequiredService<IClusterClient>()));
        }
        catch (Exception e) when (e is not (UsageException or CommandFailedException or OperationCanceledException))
        {
            // E.g. "Could not find an implementation for interface ..." (an ArgumentException) is the cluster's failure, not a usage error.
            throw new CommandFailedException($"{args.Command} failed: {e.GetType().Name}: {e.Message}", e);
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await host.StopAsync(stop.Token); } catch (OperationCanceledException) { }
        }
    }
}
