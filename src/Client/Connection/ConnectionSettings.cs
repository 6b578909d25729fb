using System.Net;
using Microsoft.Extensions.Configuration;
using StreamLabel.Client.Cli;
using StreamLabel.Grains.Connection;

namespace StreamLabel.Client.Connection;

/// <summary>
/// Where the cluster is. Read from the "Cluster" section (the silo's own names: appsettings.json next to the client,
/// then env Cluster__GatewayPort etc.), then overridden by flags.
/// </summary>
public sealed record ConnectionSettings
{
    /// <summary>Must match the silos' Cluster:ClusterId. Default "streamlabel".</summary>
    public string ClusterId { get; init; } = "streamlabel";
    /// <summary>Must match the silos' Cluster:ServiceId. Default "streamlabel".</summary>
    public string ServiceId { get; init; } = "streamlabel";
    /// <summary>Gateway host for Localhost/static clustering. Default 127.0.0.1.</summary>
    public string GatewayHost { get; init; } = "127.0.0.1";
    /// <summary>Gateway (client) port. Default 30000.</summary>
    public int GatewayPort { get; init; } = 30000;
    /// <summary>Localhost (default: the gateway above), Redis or AdoNet (gateways found in the membership table).</summary>
    public string Membership { get; init; } = "Localhost";
    /// <summary>Redis configuration or ADO.NET connection string for Redis/AdoNet membership.</summary>
    public string? ConnectionString { get; init; }
    /// <summary>ADO.NET invariant. Default "Npgsql".</summary>
    public string Invariant { get; init; } = "Npgsql";
    /// <summary>Mutual TLS to the gateways (Cluster:Tls:CertificatePath, :KeyPath, :CaPath), as the silos have it. Default off.</summary>
    public ClusterTlsSettings Tls { get; init; } = new();
    /// <summary>How long to try to reach a gateway before giving up, seconds. Default 10.</summary>
    public double ConnectTimeoutSeconds { get; init; } = 10;

    public string Describe() => Membership.Equals("Localhost", StringComparison.OrdinalIgnoreCase)
        ? $"gateway {GatewayHost}:{GatewayPort}, cluster '{ClusterId}'"
        : $"{Membership} membership at --connection / Cluster:Membership:ConnectionString, cluster '{ClusterId}'";

    /// <summary>Configuration (appsettings.json beside the client, --config FILE, environment), then flags.</summary>
    public static ConnectionSettings From(ParsedArgs args)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (args.Value("--config") is { } file)
        {
            if (!File.Exists(file)) throw new UsageException($"--config: file not found: {file}");
            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }
        return From(builder.AddEnvironmentVariables().Build(), args);
    }

    public static ConnectionSettings From(IConfiguration configuration, ParsedArgs? args = null)
    {
        var c = configuration.GetSection("Cluster");
        var s = new ConnectionSettings();
        s = s with
        {
            ClusterId = c["ClusterId"] ?? s.ClusterId,
            ServiceId = c["ServiceId"] ?? s.ServiceId,
            GatewayHost = c["GatewayHost"] ?? s.GatewayHost,
            GatewayPort = ParsePort(c["GatewayPort"], "Cluster:GatewayPort") ?? s.GatewayPort,
            Membership = c["Membership:Provider"] ?? s.Membership,
            ConnectionString = c["Membership:ConnectionString"] ?? s.ConnectionString,
            Invariant = c["Membership:Invariant"] ?? s.Invariant,
            Tls = c.GetSection("Tls").Get<ClusterTlsSettings>() ?? s.Tls,
        };
        if (args is null) return s.Validate();

        if (args.Value("--gateway") is { } gateway)
        {
            int colon = gateway.LastIndexOf(':');
            if (colon <= 0) throw new UsageException($"--gateway expects host:port, got '{gateway}'");
            s = s with { GatewayHost = gateway[..colon], GatewayPort = ParsePort(gateway[(colon + 1)..], "--gateway")!.Value, Membership = "Localhost" };
        }
        if (args.Value("--membership") is { } membership) s = s with { Membership = membership };
        if (args.Value("--connection") is { } connection) s = s with { ConnectionString = connection };
        if (args.Value("--cluster-id") is { } clusterId) s = s with { ClusterId = clusterId };
        if (args.Value("--service-id") is { } serviceId) s = s with { ServiceId = serviceId };
        if (args.Number("--timeout", 0.1, 600) is { } timeout) s = s with { ConnectTimeoutSeconds = timeout };
        return s.Validate();
    }

    private ConnectionSettings Validate()
    {
        string[] known = ["Localhost", "Redis", "AdoNet"];
        var match = known.FirstOrDefault(k => k.Equals(Membership, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"--membership / Cluster:Membership:Provider '{Membership}' is not one of: localhost, redis, adonet");
        if (match != "Localhost" && string.IsNullOrWhiteSpace(ConnectionString))
            throw new UsageException($"--membership {match.ToLowerInvariant()} needs --connection (or Cluster:Membership:ConnectionString)");
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new UsageException("--cluster-id / Cluster:ClusterId must not be empty");
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new UsageException("--service-id / Cluster:ServiceId must not be empty");
        if (Tls.Problems() is { Count: > 0 } tls) throw new UsageException(string.Join("; ", tls));
        return this with { Membership = match };
    }

    private static int? ParsePort(string? text, string name)
    {
        if (text is null) return null;
        return int.TryParse(text, out var p) && p is > 0 and <= 65535 ? p
            : throw new UsageException($"{name} expects a port number 1-65535, got '{text}'");
    }

    /// <summary>The gateway as an endpoint (host names resolved) for static clustering.</summary>
    internal IPEndPoint GatewayEndpoint()
    {
        if (IPAddress.TryParse(GatewayHost, out var ip)) return new IPEndPoint(ip, GatewayPort);
        try
        {
            var addresses = Dns.GetHostAddresses(GatewayHost);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.First();
            return new IPEndPoint(chosen, GatewayPort);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new CommandFailedException($"--gateway host '{GatewayHost}' cannot be resolved: {e.Message}", e);
        }
    }
}
