using System.Diagnostics;
using Microsoft.Extensions.Options;
using StreamLabel.Datasets;
using StreamLabel.Silo.Configuration;
using StreamLabel.Silo.Hosting;
using StreamLabel.Streaming.Kafka.Replay;

namespace StreamLabel.Silo.Demo;

/// <summary>
/// The embedded default's job: replays a bundled real dataset, with injected label noise, into the broker the silo
/// reads, and reports progress on the console. Stops the host when done if asked to.
/// </summary>
internal sealed class DemoReplayJob(
    IOptions<ReplaySettings> settings,
    KafkaEndpoint kafka,
    IHostApplicationLifetime lifetime,
    ILogger<DemoReplayJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var s = settings.Value;
        try
        {
            var data = CsvDatasetReader.Read(s.Dataset, s.LabelColumn);
            var options = new ReplayOptions
            {
                Topic = kafka.Topic,
                Key = s.Key,
                Noise = s.Noise,
                NoiseKind = LabelNoise.ParseKind(s.NoiseKind),
                DriftAt = s.DriftAt,
                Rate = s.Rate,
                MaxEvents = s.Events,
                Seed = s.Seed,
            };
            logger.LogInformation("Replaying {Dataset} ({Rows} rows, {Features} features, classes {Classes}) into {Topic} at {Bootstrap} with {Noise:P0} {Kind} label noise",
                data.Name, data.Count, data.FeatureCount, string.Join("/", data.Classes), options.Topic, kafka.BootstrapServers, s.Noise, s.NoiseKind);
            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            var progress = new Progress<(long Produced, long Total)>(p =>
            {
                if (clock.Elapsed - lastReport < TimeSpan.FromSeconds(1) && p.Produced < p.Total) return;
                lastReport = clock.Elapsed;
                Console.WriteLine($"replay: {p.Produced:N0}/{p.Total:N0} events ({100.0 * p.Produced / Math.Max(1, p.Total):F0}%), {p.Produced / Math.Max(0.001, clock.Elapsed.TotalSeconds):N0} ev/s");
            });
            var produced = await new DatasetReplayer(kafka.BootstrapServers, kafka.ClientSettings)
                .ReplayAsync(data, options, progress, stoppingToken);
            logger.LogInformation("Replay finished: {Produced} events in {Seconds:F1} s", produced, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Replay failed: {Message}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return;
        }
        if (s.ExitWhenDone) lifetime.StopApplication();
    }
}
