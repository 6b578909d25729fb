namespace StreamLabel.Grains.Connection;

/// <summary>
/// Configuration section "Cluster:Tls", read by silos and by the client alike: mutual TLS on silo-to-silo (11111) and
/// client-to-gateway (30000) connections. Off while all three paths are empty; all three are needed when one is set.
/// </summary>
public sealed class ClusterTlsSettings
{
    public const string Section = "Cluster:Tls";

    /// <summary>PEM certificate (with its chain) this silo or client presents. Default empty: TLS off.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>. Default empty.</summary>
    public string? KeyPath { get; set; }

    /// <summary>PEM CA bundle: a remote silo or client is accepted only with a certificate that chains to it. Default empty.</summary>
    public string? CaPath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath) || !string.IsNullOrWhiteSpace(CaPath);

    /// <summary>Every problem at once, each naming its option (empty when valid or off).</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled) return problems;
        Check(CertificatePath, "CertificatePath");
        Check(KeyPath, "KeyPath");
        Check(CaPath, "CaPath");
        return problems;

        void Check(string? path, string name)
        {
            if (string.IsNullOrWhiteSpace(path)) problems.Add($"{Section}:{name} is required when TLS is on (any {Section} path set)");
            else if (!File.Exists(path)) problems.Add($"{Section}:{name}: file not found: {path}");
        }
    }
}
