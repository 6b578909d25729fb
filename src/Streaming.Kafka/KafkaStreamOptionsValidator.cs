using Microsoft.Extensions.Options;
using StreamLabel.Streaming.Kafka.DeadLetters;

namespace StreamLabel.Streaming.Kafka;

/// <summary>
/// Checks the options of the provider named <paramref name="providerName"/> when they are first read, and at silo start
/// (registered with ValidateOnStart, as every StreamLabel options class is); errors name the bad option.
/// </summary>
public sealed class KafkaStreamOptionsValidator(string providerName) : IValidateOptions<KafkaStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaStreamOptions options)
    {
        if (name != providerName) return ValidateOptionsResult.Skip;
        var errors = Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Kafka stream provider '{providerName}': " + string.Join("; ", errors));
    }

    /// <summary>All problems found, each naming its option ("Kafka:Option").</summary>
    public static List<string> Validate(KafkaStreamOptions o)
    {
        var errors = new List<string>();
        void Require(bool ok, string option, string why) { if (!ok) errors.Add($"Kafka:{option} {why}"); }

        Require(!string.IsNullOrWhiteSpace(o.BootstrapServers), nameof(o.BootstrapServers), "is required (host:port[,host:port])");
        foreach (var topic in o.EffectiveTopics)
            Require(IsTopicName(topic), nameof(o.Topics), $"holds an invalid topic name '{topic}'");
        Require(o.EffectiveTopics.Distinct().Count() == o.EffectiveTopics.Count, nameof(o.Topics), "lists a topic twice");
        Require(!string.IsNullOrWhiteSpace(o.ConsumerGroup), nameof(o.ConsumerGroup), "is required");
        Require(!string.IsNullOrWhiteSpace(o.StreamNamespace), nameof(o.StreamNamespace), "is required");
        Require(IsTopicName(o.DeadLetterTopic), nameof(o.DeadLetterTopic), $"must be a valid topic name (got '{o.DeadLetterTopic}')");
        Require(!o.EffectiveTopics.Contains(o.DeadLetterTopic), nameof(o.DeadLetterTopic), "must not be one of Kafka:Topics");
        Require(o.MaxBatchRecords is >= 1 and <= 1_000_000, nameof(o.MaxBatchRecords), "must be between 1 and 1000000");
        Require(o.PollInterval > TimeSpan.Zero, nameof(o.PollInterval), "must be positive");
        Require(o.MaxInFlightEventsPerQueue >= 1, nameof(o.MaxInFlightEventsPerQueue), "must be at least 1");
        Require(o.MaxInFlightBytesPerQueue >= 1024, nameof(o.MaxInFlightBytesPerQueue), "must be at least 1024 bytes");
        Require(o.FetchWaitMax is null || (o.FetchWaitMax >= TimeSpan.Zero && o.FetchWaitMax <= TimeSpan.FromSeconds(300)), nameof(o.FetchWaitMax), "must be between 0 and 5 minutes");
        Require(o.DurabilityPollInterval > TimeSpan.Zero, nameof(o.DurabilityPollInterval), "must be positive");
        Require(o.RedeliverAfter > o.DurabilityPollInterval, nameof(o.RedeliverAfter), "must be longer than Kafka:DurabilityPollInterval");
        Require(o.QuarantineAfterFailedDeliveries is >= 0 and <= 1000, nameof(o.QuarantineAfterFailedDeliveries), "must be between 0 (never) and 1000");
        Require(o.DurabilityCallTimeout > TimeSpan.Zero, nameof(o.DurabilityCallTimeout), "must be positive");
        Require(o.MaxDeliveryTime > TimeSpan.Zero, nameof(o.MaxDeliveryTime), "must be positive");
        Require(o.MaxRecordBytes is >= 16 and <= DeadLetterLimits.MaxRecordBytesLimit, nameof(o.MaxRecordBytes),
            $"must be between 16 and {DeadLetterLimits.MaxRecordBytesLimit} bytes");
        // A dead letter carries the rejected record: a producer that cannot take one of MaxRecordBytes would retry it forever.
        var producerLimit = DeadLetterLimits.ProducerLimit(o);
        Require(producerLimit is not null, $"Client:{DeadLetterLimits.ProducerMessageMaxBytes}", "must be a whole number of bytes");
        Require(producerLimit is null || producerLimit >= (long)o.MaxRecordBytes + DeadLetterLimits.Room, $"Client:{DeadLetterLimits.ProducerMessageMaxBytes}",
            $"({producerLimit}) must be at least Kafka:MaxRecordBytes ({o.MaxRecordBytes}) plus {DeadLetterLimits.Room} bytes for a dead " +
            "letter's key and headers, or a rejected record near the limit could never be dead-lettered: raise it, lower " +
            "Kafka:MaxRecordBytes, or leave it unset (the producer then takes Kafka:MaxRecordBytes plus that room)");
        Require(o.MaxFeatures >= 1, nameof(o.MaxFeatures), "must be at least 1");
        Require(o.ExpectedFeatureCount is null or >= 1, nameof(o.ExpectedFeatureCount), "must be at least 1 when set");
        foreach (var (prefix, count) in o.ExpectedFeatureCountByKeyPrefix)
            Require(count >= 1, $"{nameof(o.ExpectedFeatureCountByKeyPrefix)}:{prefix}", "must be at least 1");
        Require(o.CacheSize >= 16, nameof(o.CacheSize), "must be at least 16");
        Require(o.MetadataTimeout > TimeSpan.Zero, nameof(o.MetadataTimeout), "must be positive");
        return errors;
    }

    private static bool IsTopicName(string? topic) =>
        !string.IsNullOrEmpty(topic) && topic.Length <= 249 && topic is not "." and not ".." &&
        topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
