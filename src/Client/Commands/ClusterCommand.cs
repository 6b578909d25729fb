using StreamLabel.Client.Cli;
using StreamLabel.Client.Connection;
using StreamLabel.Client.Queries;
using Microsoft.Extensions.DependencyInjection;

namespace StreamLabel.Client.Commands;

/// <summary>Parses a cluster command's options (its own + connection + --json), connects, runs, disconnects.</summary>
internal static class ClusterCommand
{
    public static ParsedArgs Parse(string command, string[] args, string[]? values = null, string[]? flags = null) =>
        ParsedArgs.Parse(command, args, ParsedArgs.ConnectionOptions.Concat(values ?? []), flags ?? []);

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
