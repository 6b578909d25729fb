namespace StreamLabel.Silo.Configuration;

/// <summary>Configuration section "Health": where the health endpoint (/healthz, /ready) listens.</summary>
public sealed class HealthSettings
{
    public const string Section = "Health";

    /// <summary>ASP.NET Core URLs for the health endpoint. Default "http://127.0.0.1:8080".</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";
}
