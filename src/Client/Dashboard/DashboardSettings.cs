using System.Net;
using StreamLabel.Client.Cli;

namespace StreamLabel.Client.Dashboard;

/// <summary>Configuration section "Dashboard" (env Dashboard__Token, Dashboard__Urls), overridden by flags.</summary>
public sealed record DashboardSettings
{
    /// <summary>Where to listen (ASP.NET Core URLs, ';'-separated). Default http://127.0.0.1:5080 (loopback only). Port 0 = any free port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";
    /// <summary>Access token. Required to listen beyond loopback; when set, every request must carry it. Default none.</summary>
    public string? Token { get; init; }
    /// <summary>How often live views push fresh data, milliseconds. Default 1000.</summary>
    public int RefreshMs { get; init; } = 1000;
    /// <summary>Path of the Orleans runtime dashboard (Microsoft.Orleans.Dashboard). Default "/orleans".</summary>
    public string OrleansPath { get; init; } = "/orleans";
    /// <summary>Trust X-Forwarded-Proto/-For from any proxy: set it behind a TLS-terminating ingress, so the token cookie is
    /// marked Secure and logs show the client. Default false (only loopback proxies are trusted).</summary>
    public bool TrustForwardedHeaders { get; init; }

    /// <summary>True when every listening address is loopback: then only requests for a loopback host name are served, so
    /// a web page elsewhere cannot reach the dashboard through a DNS name that resolves to 127.0.0.1 (DNS rebinding).</summary>
    public bool LoopbackOnly => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .All(u => TryHost(u, out var host) && IsLoopback(host));

    /// <summary>Refuses to expose the dashboard beyond loopback without a token; names what to set.</summary>
    public void Validate()
    {
        if (RefreshMs is < 100 or > 60_000) throw new UsageException($"dashboard: Dashboard:RefreshMs must be between 100 and 60000 ms, got {RefreshMs}");
        if (!OrleansPath.StartsWith('/') || OrleansPath.Length < 2 || OrleansPath.StartsWith("/api", StringComparison.Ordinal))
            throw new UsageException($"dashboard: Dashboard:OrleansPath must be a path like /orleans (not /api), got '{OrleansPath}'");
        var urls = Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) throw new UsageException("dashboard: Dashboard:Urls / --urls is empty");
        foreach (var url in urls)
        {
            if (!TryHost(url, out var host)) throw new UsageException($"dashboard: --urls entry '{url}' is not a URL like http://127.0.0.1:5080");
            if (!IsLoopback(host) && string.IsNullOrEmpty(Token))
                throw new UsageException($"dashboard: refusing to listen on {url} (beyond loopback) without an access token. " +
                    "Set Dashboard:Token (env Dashboard__Token) or pass --token, or listen on http://127.0.0.1:PORT.");
        }
        if (Token is { Length: < 16 })
            throw new UsageException("dashboard: Dashboard:Token must be at least 16 characters");
    }

    private static bool TryHost(string url, out string host)
    {
        host = "";
        // Kestrel's wildcards are not valid URI hosts: treat them as "all interfaces".
        var normalized = url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0");
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return false;
        host = uri.Host.Trim('[', ']');
        return true;
    }

    internal static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
