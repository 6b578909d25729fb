namespace StreamLabel.Silo.Configuration;

/// <summary>Configuration section "Telemetry": how the silo exports its metrics and traces (OpenTelemetry).</summary>
public sealed class TelemetrySettings
{
    public const string Section = "Telemetry";

    /// <summary>Serve the metrics in Prometheus text format at <c>GET /metrics</c> on the health port (Health:Urls). Default true.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>OTLP export (metrics and traces) to a collector; off while <see cref="OtlpSettings.Endpoint"/> is empty.</summary>
    public OtlpSettings Otlp { get; set; } = new();
}

/// <summary>Configuration section "Telemetry:Otlp".</summary>
public sealed class OtlpSettings
{
    /// <summary>Collector URL, e.g. http://otel-collector:4317 (gRPC) or http://otel-collector:4318 (HTTP). Default empty: no OTLP export.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary><c>Grpc</c> (default) or <c>HttpProtobuf</c>.</summary>
    public string Protocol { get; set; } = "Grpc";

    /// <summary>Also export traces (Orleans' grain-call activities, with propagation between silos and clients). Default true.</summary>
    public bool Traces { get; set; } = true;
}
