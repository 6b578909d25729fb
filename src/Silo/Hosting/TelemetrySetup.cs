using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StreamLabel.Grains.Telemetry;
using StreamLabel.Silo.Configuration;
using StreamLabel.Streaming.Kafka.Hosting;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// OpenTelemetry for the silo: StreamLabel's meters, the Kafka provider's and Orleans' own, served to Prometheus on the
/// health port and/or pushed over OTLP. Metric names follow OpenTelemetry's Prometheus mapping (dots become
/// underscores, counters end in _total, histograms carry their unit), listed in deploy/README.md.
/// </summary>
internal static class TelemetrySetup
{
    /// <summary>Orleans' meter and activity sources (Orleans 10).</summary>
    private const string OrleansMeter = "Microsoft.Orleans";
    private static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static TelemetrySettings AddSiloTelemetry(this WebApplicationBuilder builder, string serviceInstance)
    {
        var settings = builder.Configuration.GetSection(TelemetrySettings.Section).Get<TelemetrySettings>() ?? new TelemetrySettings();
        var otlp = OtlpEndpoint(settings.Otlp);
        var protocol = OtlpProtocol(settings.Otlp.Protocol);
        if (!settings.Prometheus && otlp is null) return settings;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("streamlabel-silo", serviceInstanceId: serviceInstance))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(StreamLabelMetrics.MeterName, SiloBuilderKafkaStreamsExtensions.MeterName, OrleansMeter);
                if (settings.Prometheus) metrics.AddPrometheusExporter();
                if (otlp is not null) metrics.AddOtlpExporter(o => { o.Endpoint = otlp; o.Protocol = protocol; });
            });
        if (otlp is not null && settings.Otlp.Traces)
            telemetry.WithTracing(tracing => tracing.AddSource(OrleansActivitySources)
                .AddOtlpExporter(o => { o.Endpoint = otlp; o.Protocol = protocol; }));
        return settings;
    }

    public static void MapSiloTelemetry(this WebApplication app, TelemetrySettings settings)
    {
        if (settings.Prometheus) app.MapPrometheusScrapingEndpoint("/metrics");
    }

    private static Uri? OtlpEndpoint(OtlpSettings otlp)
    {
        if (string.IsNullOrWhiteSpace(otlp.Endpoint)) return null;
        if (Uri.TryCreate(otlp.Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
        throw new InvalidOperationException($"Telemetry:Otlp:Endpoint '{otlp.Endpoint}' is not an http(s) URL");
    }

    private static OtlpExportProtocol OtlpProtocol(string name) => name.ToLowerInvariant() switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "httpprotobuf" or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new InvalidOperationException($"Telemetry:Otlp:Protocol '{name}' is not one of Grpc, HttpProtobuf"),
    };
}
