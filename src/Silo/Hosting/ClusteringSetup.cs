using System.Net;
using Orleans.Configuration;
using StreamLabel.Silo.Configuration;

namespace StreamLabel.Silo.Hosting;

/// <summary>Chooses clustering and endpoints from <see cref="ClusterSettings"/>: localhost by default, Redis or ADO.NET when configured.</summary>
internal static class ClusteringSetup
{
    public static ISiloBuilder UseConfiguredClustering(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
        var name = settings.SiloName ?? Environment.GetEnvironmentVariable(ClusterSettings.PodNameVariable);
        if (!string.IsNullOrEmpty(name)) silo.Configure<SiloOptions>(o => o.SiloName = name);

        var provider = settings.Membership.Provider;
        if (provider.Equals("Localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Port 0 for the primary silo means "this silo is primary"; multi-silo local clusters use Redis.
            return silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
        }

        var ip = settings.AdvertisedIP ?? Environment.GetEnvironmentVariable(ClusterSettings.PodIpVariable);
        var address = string.IsNullOrEmpty(ip) ? IPAddress.Loopback : IPAddress.Parse(ip);
        silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        var connection = Require(settings.Membership.ConnectionString, "Cluster:Membership:ConnectionString");
        if (provider.Equals("Redis", StringComparison.OrdinalIgnoreCase))
            return silo.UseRedisClustering(connection);
        if (provider.Equals("AdoNet", StringComparison.OrdinalIgnoreCase))
            return silo.UseAdoNetClustering(o => { o.ConnectionString = connection; o.Invariant = settings.Membership.Invariant; });
        throw new InvalidOperationException($"Cluster:Membership:Provider '{provider}' is not one of: Localhost, Redis, AdoNet");
    }

    internal static string Require(string? value, string key) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidOperationException($"{key} is required for this provider") : value;
}
