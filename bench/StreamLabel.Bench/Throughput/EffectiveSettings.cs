using Microsoft.Extensions.Configuration;
using StreamLabel.Grains.Student;
using StreamLabel.Streaming.Kafka;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// The Student and Kafka settings a bench silo really runs with (its configuration bound to the silo's own options
/// classes, so silo defaults, bench choices and --set overrides all show), printed at the start of a run: a number is
/// only comparable to another when these match.
/// </summary>
public static class EffectiveSettings
{
    public static string Describe(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var s = configuration.GetSection(StudentOptions.Section).Get<StudentOptions>() ?? new StudentOptions();
        var k = configuration.GetSection(KafkaStreamOptions.Section).Get<KafkaStreamOptions>() ?? new KafkaStreamOptions();
        string backlog = s.MaxBacklogBatchSize == 0 ? "0 (off)" : $"{s.MaxBacklogBatchSize} after {s.BacklogSteps} steps";
        string workers = s.BankWorkers == 0 ? $"0 (= {Math.Max(1, Environment.ProcessorCount / 4)} here)" : $"{s.BankWorkers}";
        string fetchWait = k.FetchWaitMax is { } f ? $"{f.TotalMilliseconds:F0} ms" : "librdkafka's 500 ms";
        string overrides = string.Join(", ", settings.Where(p => !IsBenchShape(p.Key)).Select(p => $"{p.Key}={p.Value}"));
        return $"Student: MaxBatchSize {s.MaxBatchSize}, MaxBacklogBatchSize {backlog}, ModelBank {s.ModelBank}, BankWorkers {workers}, " +
            $"TorchThreads {s.TorchThreads}, DistillationRowsPerStep {s.DistillationRowsPerStep}, TeacherPullInterval {s.TeacherPullInterval.TotalSeconds:F0} s / {s.TeacherPullEveryEvents} events, " +
            $"PersistEveryEvents {s.PersistEveryEvents}; Kafka: PollInterval {k.PollInterval.TotalMilliseconds:F0} ms, MaxBatchRecords {k.MaxBatchRecords}, " +
            $"FetchWaitMax {fetchWait}, MaxInFlightEventsPerQueue {k.MaxInFlightEventsPerQueue}" + (overrides.Length > 0 ? $"; other settings: {overrides}" : "");
    }

    /// <summary>Settings every bench silo gets for the run's shape (addresses, topic, model spec), left out of the summary.</summary>
    private static bool IsBenchShape(string key) =>
        key.StartsWith("Models:", StringComparison.Ordinal) || key is "Kafka:BootstrapServers" or "Kafka:Topics:0" or "Kafka:ConsumerGroup"
            or "Kafka:FetchWaitMax" or "Student:TorchThreads" or "Student:MaxBatchSize" or "Student:MaxBacklogBatchSize";
}
