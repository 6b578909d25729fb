namespace StreamLabel.Silo.Configuration;

/// <summary>Configuration section "Health": the health endpoint (/healthz, /ready, /metrics, /diagnostics).</summary>
public sealed class HealthSettings
{
    public const string Section = "Health";

    /// <summary>ASP.NET Core URLs for the health endpoint. Default "http://127.0.0.1:8080".</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Bearer token that lets non-loopback callers use /diagnostics. Default none: loopback callers only.</summary>
    public string? DiagnosticsToken { get; set; }

    /// <summary>A silo with accelerator=gpu and no usable CUDA reports ready anyway (teachers then run on its CPU).
    /// Default false: /ready says not ready, naming the reason.</summary>
    public bool AllowCpuOnGpuSilo { get; set; }
}
