namespace StreamLabel.Deploy.Tests.Support;

/// <summary>
/// Kafka names the manifests rely on where the silos use their defaults (consumer group, output topics). Each equals the
/// silo's default setting: SiloConfigurationTests checks that against the published silo.
/// </summary>
public static class KafkaNames
{
    public const string ConsumerGroup = "streamlabel";
    public const string DeadLetterTopic = "streamlabel-dead-letters";
    public const string PredictionsTopic = "streamlabel-predictions";
    /// <summary>Where the silo starts a partition its group has no offset for (KafkaQueueAdapterReceiver sets it).</summary>
    public const string OffsetReset = "earliest";

    public static string GroupOf(WorkloadContainer silo) => silo.Value("Kafka__ConsumerGroup") ?? ConsumerGroup;

    public static IReadOnlyList<string> ConsumedTopics(WorkloadContainer silo) =>
        silo.Environment.Where(e => e.Name.StartsWith("Kafka__Topics__", StringComparison.Ordinal)).Select(e => e.Value!).Distinct().ToList();

    public static IReadOnlyList<string> OutputTopics(WorkloadContainer silo) =>
        [silo.Value("Kafka__DeadLetterTopic") ?? DeadLetterTopic, silo.Value("Student__PredictionsTopic") ?? PredictionsTopic];
}
