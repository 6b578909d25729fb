using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StreamLabel.Silo.Tests.Support;

/// <summary>A throwaway CA and certificates it signs, written as PEM files (what an operator's cert-manager would mount).</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly RSA _caKey;

    public TestCertificates(string name)
    {
        Folder = Directory.CreateTempSubdirectory("streamlabel-tls-").FullName;
        _caKey = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name} test CA", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        CaPath = Path.Combine(Folder, "ca.pem");
        File.WriteAllText(CaPath, _ca.ExportCertificatePem());
    }

    public string Folder { get; }
    public string CaPath { get; }

    /// <summary>A certificate for <paramref name="name"/> signed by this CA, usable as TLS server and client; its PEM paths.</summary>
    public (string CertificatePath, string KeyPath) Issue(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var serial = RandomNumberGenerator.GetBytes(16);
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        var certificatePath = Path.Combine(Folder, name + ".pem");
        var keyPath = Path.Combine(Folder, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
