using System.Diagnostics;
using Microsoft.Extensions.Options;
using StreamLabel.Datasets;
using StreamLabel.Grains;
using StreamLabel.Grains.Cluster;
using StreamLabel.Silo.Configuration;
using StreamLabel.Silo.Hosting;
using StreamLabel.Streaming.Replay;

namespace StreamLabel.Silo.Demo;

/// <summary>
/// The embedded default's job: gives the replay key a spec derived from the dataset, replays the bundled real dataset
/// with injected label noise into the broker the silo reads, and reports replay and learning progress on the console
/// until every replayed event has been learned. Then stops the host if asked to.
/// </summary>
internal sealed class DemoReplayJob(
    IOptions<ReplaySettings> settings,
    KafkaEndpoint kafka,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    StudentTally tally,
    ILogger<DemoReplayJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var s = settings.Value;
        try
        {
            await WaitForStartAsync(stoppingToken);
            var data = CsvDatasetReader.Read(s.Dataset, s.LabelColumn);
            var options = new ReplayOptions
            {
                Topic = kafka.Topic, Key = s.Key, Noise = s.Noise, NoiseKind = LabelNoise.ParseKind(s.NoiseKind),
                DriftAt = s.DriftAt, Rate = s.Rate, MaxEvents = s.Events, Seed = s.Seed,
            };
            var student = grains.GetGrain<IStudentGrain>(s.Key);
            var spec = await student.SetSpecAsync(new ModelSpec(data.FeatureCount, data.Classes.ToArray(), [32]));
            logger.LogInformation("Model '{Key}': {Features} features, classes {Classes}, hidden [32], spec v{Version}",
                s.Key, spec.FeatureCount, string.Join("/", spec.Classes), spec.Version);
            logger.LogInformation("Replaying {Dataset} ({Rows} rows) into '{Topic}' at {Bootstrap} with {Noise:P0} {Kind} label noise",
                data.Name, data.Count, options.Topic, kafka.BootstrapServers, s.Noise, s.NoiseKind);

            Console.WriteLine("operate it from another terminal: dotnet run --project src/Client -- models | model " + s.Key +
                " | status | dashboard   (the dashboard prints its URL, by default http://127.0.0.1:5080/;" +
                " add --Replay:ExitWhenDone=false here to keep the silo up after the replay)");
            var clock = Stopwatch.StartNew();
            long target = s.Events > 0 ? Math.Min(s.Events, data.Count) : data.Count;
            long baseline = (await student.GetMetricsAsync()).EventsSeen;
            long produced = 0;
            // The embedded broker keeps at most 5 MiB per partition and drops the oldest records beyond that, so the
            // replay never runs more than MaxAhead events ahead of learning (one key = one partition).
            var replay = new DatasetReplayer(kafka.BootstrapServers, kafka.ClientSettings)
                .ReplayAsync(data, options, new Progress<(long Produced, long Total)>(p => Interlocked.Exchange(ref produced, p.Produced)),
                    kafka.IsEmbedded ? (count, ct) => WaitForLearningAsync(student, baseline, count, ct) : null, stoppingToken);
            while (true)
            {
                var tick = Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                await Task.WhenAny(replay, tick);
                if (replay.IsFaulted) await replay; // surfaces the error
                var m = await student.GetMetricsAsync();
                long learned = m.EventsSeen - baseline;
                Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] produced {Interlocked.Read(ref produced):N0}/{target:N0}  learned {learned:N0}  " +
                    $"accuracy {m.Accuracy:P1} (last {m.WindowAccuracy:P1})  corrections {m.Corrections:N0}  down-weighted {m.DownWeights:N0}  " +
                    $"drifts {m.DriftEvents.Count}  teacher {(m.TeacherVersion is int v ? $"v{v}" : "none yet")}  {m.EventsPerSecond:N0} ev/s");
                if (replay.IsCompletedSuccessfully && learned >= target) break;
                await tick;
            }
            var final = await student.GetMetricsAsync();
            Console.WriteLine($"done: {final.EventsSeen - baseline:N0} events learned in {clock.Elapsed.TotalSeconds:F1} s; prequential accuracy " +
                $"{final.Accuracy:P2} against the clean labels, with {s.Noise:P0} of training labels corrupted");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Demo job failed: {Message}", e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return;
        }
        if (!s.ExitWhenDone) return;
        // Deactivate the grains while the silo still runs, so they persist (the teacher on deactivation) into storage
        // that is still there; during shutdown the in-process memory storage may already be gone.
        // Not the stopping token: this is the work that must still happen while the host stops.
        try { await DeactivateStudentsAsync(); }
        catch (Exception e) when (e is OrleansException or TimeoutException) { logger.LogWarning("Deactivating grains before exit failed: {Message}", e.Message); }
        lifetime.StopApplication();
    }

    private const long MaxAhead = 10_000;
    private static readonly TimeSpan DeactivationPatience = TimeSpan.FromSeconds(10);

    // A collection skips a busy activation, and a student is often still persisting its last events when the replay
    // ends (every PersistEveryEvents). One left for the shutdown persists then but does not record its events seen in
    // the registry, so the next run's `status` would count none of them: collect again until no student is active.
    private async Task DeactivateStudentsAsync()
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var deadline = Stopwatch.StartNew();
        do
        {
            await management.ForceActivationCollection(TimeSpan.Zero, CancellationToken.None);
            if (tally.Snapshot(DateTimeOffset.UtcNow).ActiveModels == 0) return;
            await Task.Delay(100, CancellationToken.None);
        }
        while (deadline.Elapsed < DeactivationPatience);
        logger.LogWarning("{Students} students were still active {Seconds} s after the replay: they persist at shutdown, and `status` counts their events once they activate again",
            tally.Snapshot(DateTimeOffset.UtcNow).ActiveModels, DeactivationPatience.TotalSeconds);
    }

    private static async Task WaitForLearningAsync(IStudentGrain student, long baseline, long produced, CancellationToken cancellationToken)
    {
        while ((await student.GetMetricsAsync()).EventsSeen - baseline < produced - MaxAhead)
            await Task.Delay(50, cancellationToken);
    }

    /// <summary>Grain calls need the silo to be up, which happens as the host starts.</summary>
    private Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken);
    }
}
