using Orleans.Dashboard;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StreamLabel.Grains.Hosting;
using StreamLabel.Silo.Configuration;
using StreamLabel.Streaming.Kafka;
using StreamLabel.Streaming.Kafka.Hosting;
using StreamLabel.Silo.Demo;
using StreamLabel.Silo.Hosting;

if (args.Length > 0 && args[0] == "broker")
    return await BrokerCommand.RunAsync(args[1..], Console.Out, Console.Error);
if (args.Length > 0 && args[0] == "postgres-schema")
    return await PostgresSchemaCommand.RunAsync(args[1..]);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// Short flags for the main job; every setting is also reachable as --Section:Key=value or Section__Key env vars.
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--events"] = "Replay:Events",
    ["--dataset"] = "Replay:Dataset",
    ["--label-column"] = "Replay:LabelColumn",
    ["--noise"] = "Replay:Noise",
    ["--noise-kind"] = "Replay:NoiseKind",
    ["--drift-at"] = "Replay:DriftAt",
    ["--rate"] = "Replay:Rate",
    ["--key"] = "Replay:Key",
    ["--bootstrap"] = "Kafka:BootstrapServers",
});

var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
var health = builder.Configuration.GetSection(HealthSettings.Section).Get<HealthSettings>() ?? new HealthSettings();
KafkaEndpoint kafka;
try { kafka = builder.ResolveKafka(); }
catch (Exception e) when (e is InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"streamlabel-silo: failed: {e.Message}");
    return 1;
}
builder.Services.AddSingleton(kafka);
builder.Services.Configure<ReplaySettings>(builder.Configuration.GetSection(ReplaySettings.Section));
builder.WebHost.UseUrls(health.Urls);
TelemetrySettings telemetry;
try { telemetry = builder.AddSiloTelemetry(cluster.SiloName ?? Environment.MachineName); }
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"streamlabel-silo: failed: {e.Message}");
    return 1;
}

try
{
    builder.UseOrleans(silo =>
    {
        silo.UseConfiguredClustering(cluster)
            .UseConfiguredTls(cluster.Tls)
            .UseConfiguredStorage(cluster, kafka)
            .UseSiloMetadata(builder.Configuration)
            .AddKafkaStreams(StreamLabelGrainsExtensions.KafkaProviderName, builder.Configuration.GetSection(KafkaStreamOptions.Section))
            .AddStreamLabelGrains(builder.Configuration)
            .AddDashboard(); // data for the Orleans runtime view that `streamlabel dashboard` serves under /orleans/
        if (telemetry.Otlp.Traces && telemetry.Otlp.Endpoint.Length > 0) silo.AddActivityPropagation(); // traces span grain calls
    });
}
catch (InvalidOperationException e)
{
    // A missing connection string or an unknown provider name: the reason and exit 1, not an unhandled-exception abort.
    Console.Error.WriteLine($"streamlabel-silo: failed: {e.Message}");
    return 1;
}

var replay = builder.Configuration.GetSection(ReplaySettings.Section).Get<ReplaySettings>() ?? new ReplaySettings();
if (replay.Enabled ?? kafka.IsEmbedded)
    builder.Services.AddHostedService<DemoReplayJob>();

builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo")
    .Add(new HealthCheckRegistration("accelerator", _ => new AcceleratorHealthCheck(
        builder.Configuration["Orleans:Metadata:accelerator"], health.AllowCpuOnGpuSilo, TorchSharp.torch.cuda.is_available), null, null));
var app = builder.Build();
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }); // alive: the process answers
app.MapHealthChecks("/ready", new HealthCheckOptions { ResponseWriter = ReadinessReport.WriteAsync }); // ready: silo up, GPU usable
app.MapDiagnostics(health.DiagnosticsToken);                                      // live tensors, memory (soak runs)
app.MapSiloTelemetry(telemetry);                                                   // /metrics for Prometheus
try
{
    // AdoNet providers read their queries from the database when the silo starts: the schema must be there first.
    await PostgresSchema.ApplyAsync(PostgresSchema.Targets(cluster), app.Lifetime.ApplicationStopping);
    await app.RunAsync();
}
catch (Exception e)
{
    // The host has logged the details; a start-up failure (bad option, unreachable Kafka or Redis) ends with its reason
    // and exit code 1, not an unhandled-exception abort.
    Console.Error.WriteLine($"streamlabel-silo: failed: {e.GetBaseException().Message}");
    return 1;
}
return Environment.ExitCode;
