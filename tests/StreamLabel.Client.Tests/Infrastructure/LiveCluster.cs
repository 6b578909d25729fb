using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>
/// The real silo host (src/Silo as its own process: StudentGrain, TeacherGrain, ModelRegistryGrain, ClusterInfoGrain,
/// the Kafka stream provider reading its embedded broker), tagged as a GPU silo through silo metadata, as operators
/// would run it. Data reaches it only through Kafka: `streamlabel replay` and a raw producer for bad records.
/// </summary>
public sealed class LiveCluster : IAsyncDisposable
{
    public const int Partitions = 2;
    public const string SiloName = "silo-test-0";
    public SiloProcess Silo { get; }
    public string Bootstrap { get; private set; } = "";

    public LiveCluster() => Silo = new SiloProcess(new Dictionary<string, string>
    {
        ["Cluster__SiloName"] = SiloName,
        ["Orleans__Metadata__accelerator"] = "gpu", // the teacher's placement prefers it; TorchSharp falls back to CPU here
        ["Orleans__Metadata__zone"] = "test",
        ["EmbeddedBroker__Partitions"] = Partitions.ToString(CultureInfo.InvariantCulture),
        // The dashboard and CLI tests read distillation figures from a 4 s replay: a teacher that answers after 100 rows,
        // pulls every 300 events and full weight (a young teacher would not earn one yet) make sure there are some.
        ["Student__TeacherGate"] = "always",
        ["Student__TeacherPullEveryEvents"] = "300",
        ["Teacher__WarmupSamples"] = "100",
    });

    public static string Dataset => Path.Combine(AppContext.BaseDirectory, "data", "elec2.csv.gz");

    /// <summary>Connection flags for CLI commands against this cluster.</summary>
    public string[] Connect => Silo.Connect;

    public async Task StartAsync()
    {
        await Silo.WaitForGatewayAsync(TimeSpan.FromSeconds(120));
        Bootstrap = await Silo.BootstrapAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>`streamlabel ARGS` against this cluster; a failure shows the silo's output too.</summary>
    public async Task<CliRunner.Result> RunOkAsync(params string[] args)
    {
        var r = await CliRunner.RunAsync([.. args, .. Connect]);
        if (r.ExitCode != 0) throw new Xunit.Sdk.XunitException($"streamlabel {string.Join(' ', args)}: {r}\nsilo output:\n{Silo.Output}");
        return r;
    }

    /// <summary>Sets a key's spec through the CLI, as an operator would before replaying.</summary>
    public Task SetElec2SpecAsync(string key) =>
        RunOkAsync("spec", "set", key, "--features", "8", "--classes", "DOWN,UP", "--hidden", "none", "--learning-rate", "0.05", "--json");

    /// <summary>`streamlabel replay` of Elec2 into the silo's broker for one key.</summary>
    public Task<CliRunner.Result> ReplayAsync(string key, int events, double rate, double? driftAt = null, bool progress = false) =>
        CliRunner.RunAsync(["replay", Dataset, "--label-column", "class", "--key", key, "--events", events.ToString(CultureInfo.InvariantCulture),
            "--rate", rate.ToString(CultureInfo.InvariantCulture), "--noise", "0.2", "--seed", "7", "--bootstrap", Bootstrap, "--json",
            .. progress ? Array.Empty<string>() : ["--no-progress"],
            .. driftAt is double d ? new[] { "--drift-at", d.ToString(CultureInfo.InvariantCulture) } : []]);

    /// <summary>Records the Kafka provider cannot parse (not JSON, no features): each becomes a dead letter.</summary>
    public async Task ProduceBadRecordsAsync(string key, int count)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = Bootstrap }).Build();
        for (int i = 0; i < count; i++)
        {
            byte[] value = Encoding.UTF8.GetBytes(i % 2 == 0 ? "{not json" : """{"label": "UP"}""");
            await producer.ProduceAsync("events", new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value });
        }
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    public async Task<JsonElement?> ModelRowAsync(string key)
    {
        var rows = (await RunOkAsync("models", "--json")).Json().EnumerateArray();
        return rows.FirstOrDefault(m => m.GetProperty("key").GetString() == key) is { ValueKind: JsonValueKind.Object } row ? row : null;
    }

    /// <summary>Waits until a model has seen at least <paramref name="events"/> events (read through the CLI).</summary>
    public async Task WaitForEventsAsync(string key, long events, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        long seen = 0;
        while (DateTime.UtcNow < until)
        {
            if (await ModelRowAsync(key) is { } row && (seen = row.GetProperty("eventsSeen").GetInt64()) >= events) return;
            await Task.Delay(300);
        }
        throw new TimeoutException($"model '{key}' saw {seen} of {events} events within {timeout.TotalSeconds} s\nsilo output:\n{Silo.Output}");
    }

    /// <summary>Waits until `status` satisfies a condition (e.g. every event committed, the dead letters counted).</summary>
    public async Task<JsonElement> WaitForStatusAsync(Func<JsonElement, bool> condition, string what, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        JsonElement status;
        do
        {
            status = (await RunOkAsync("status", "--json")).Json();
            if (condition(status)) return status;
            await Task.Delay(500);
        } while (DateTime.UtcNow < until);
        throw new TimeoutException($"status never showed {what} within {timeout.TotalSeconds} s; last: {status}\nsilo output:\n{Silo.Output}");
    }

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
