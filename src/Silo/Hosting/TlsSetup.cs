using StreamLabel.Grains.Connection;

namespace StreamLabel.Silo.Hosting;

/// <summary>Mutual TLS on the silo and gateway ports when Cluster:Tls names a certificate (see <see cref="ClusterTls"/>).</summary>
internal static class TlsSetup
{
    public static ISiloBuilder UseConfiguredTls(this ISiloBuilder silo, ClusterTlsSettings tls) =>
        tls.Enabled ? silo.UseTls(options => ClusterTls.Configure(options, tls)) : silo;
}
