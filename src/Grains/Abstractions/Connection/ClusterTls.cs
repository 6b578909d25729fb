using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace StreamLabel.Grains.Connection;

/// <summary>
/// The TLS settings both ends use: each presents its certificate and requires the other's to chain to the cluster's
/// own CA. Host names are not checked (silos are reached by pod IP); the CA is what says "one of ours", so a pod
/// without a certificate from it can neither join as a silo nor call grains through a gateway.
/// </summary>
public static class ClusterTls
{
    public static void Configure(TlsOptions options, ClusterTlsSettings settings)
    {
        if (settings.Problems() is { Count: > 0 } problems) throw new InvalidOperationException(string.Join("; ", problems));
        X509Certificate2 certificate;
        var authorities = new X509Certificate2Collection();
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(settings.CertificatePath!, settings.KeyPath);
            authorities.ImportFromPemFile(settings.CaPath!);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{ClusterTlsSettings.Section}: cannot load the certificate, key or CA: {e.Message}", e);
        }
        if (authorities.Count == 0) throw new InvalidOperationException($"{ClusterTlsSettings.Section}:CaPath holds no certificate: {settings.CaPath}");
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => ChainsTo(remote, authorities);
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="authorities"/> (and only them).</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a private cluster CA publishes no revocation lists
        return chain.Build(certificate);
    }
}
