using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// Who may call /diagnostics: its `collect=true` forces full garbage collections, so it must not be open to every pod
/// that reaches the health port. Loopback callers (an operator's `kubectl exec`, the soak tests) always may; others
/// only with `Authorization: Bearer` and Health:DiagnosticsToken, and never when no token is configured.
/// </summary>
internal static class DiagnosticsAccess
{
    public static bool Allows(IPAddress? remote, string? authorization, string? token)
    {
        if (remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)) return true;
        if (string.IsNullOrEmpty(token) || authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return false;
        // Constant-time comparison: the token must not leak through response timing.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[7..]), Encoding.UTF8.GetBytes(token));
    }
}
