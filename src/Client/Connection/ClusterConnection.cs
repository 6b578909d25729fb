using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StreamLabel.Client.Cli;
using StreamLabel.Grains.Connection;

namespace StreamLabel.Client.Connection;

/// <summary>Builds the Orleans client for <see cref="ConnectionSettings"/>, for the CLI (short-lived host) and the dashboard.</summary>
public static class ClusterConnection
{
    public static IClientBuilder UseStreamLabelCluster(this IClientBuilder client, ConnectionSettings settings)
    {
        client.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
        switch (settings.Membership)
        {
            case "Redis":
                client.UseRedisClustering(settings.ConnectionString!);
                break;
            case "AdoNet":
                client.UseAdoNetClustering(o => { o.ConnectionString = settings.ConnectionString; o.Invariant = settings.Invariant; });
                break;
            default:
                client.UseStaticClustering(settings.GatewayEndpoint());
                break;
        }
        if (settings.Tls.Enabled)
        {
            try { client.UseTls(options => ClusterTls.Configure(options, settings.Tls)); }
            catch (InvalidOperationException e) { throw new CommandFailedException(e.Message, e); }
        }
        return client;
    }

    /// <summary>Connects or fails with a message that says where it looked.</summary>
    public static async Task<IHost> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken = default)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders(); // the CLI's stdout is for results; failures surface as exceptions
        builder.UseOrleansClient(c => c.UseStreamLabelCluster(settings));
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds));
        try
        {
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch (Exception e) when (e is not UsageException and not CommandFailedException)
        {
            host.Dispose();
            string why = e is OperationCanceledException ? $"no answer within {settings.ConnectTimeoutSeconds:0.#} s" : e.Message;
            throw new CommandFailedException($"cannot connect to the cluster ({settings.Describe()}): {why}", e);
        }
    }
}
