using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace StreamLabel.Streaming.Kafka.Tests;

public sealed class KafkaStreamOptionsTests
{
    [Fact]
    public void Binds_the_Kafka_section_including_librdkafka_passthrough_settings()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "kafka-0:9092,kafka-1:9092",
            ["Kafka:Topics:0"] = "events",
            ["Kafka:Topics:1"] = "more",
            ["Kafka:ConsumerGroup"] = "students",
            ["Kafka:Client:security.protocol"] = "SASL_SSL",
            ["Kafka:Client:sasl.mechanism"] = "SCRAM-SHA-512",
            ["Kafka:MaxInFlightEventsPerQueue"] = "500",
            ["Kafka:DurabilityPollInterval"] = "00:00:02",
            ["Kafka:FetchWaitMax"] = "00:00:00.010",
            ["Kafka:ExpectedFeatureCountByKeyPrefix:iris-"] = "4",
        }).Build();
        var services = new ServiceCollection();
        services.AddOptions<KafkaStreamOptions>("k").Bind(config.GetSection(KafkaStreamOptions.Section));
        var o = services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get("k");

        Assert.Equal(["events", "more"], o.Topics);
        Assert.Equal("students", o.ConsumerGroup);
        Assert.Equal("SASL_SSL", o.Client["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", o.Client["sasl.mechanism"]);
        Assert.Equal(500, o.MaxInFlightEventsPerQueue);
        Assert.Equal(TimeSpan.FromSeconds(2), o.DurabilityPollInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(10), o.FetchWaitMax);
        Assert.Equal(4, o.ExpectedFeaturesFor("iris-3"));
        Assert.Null(o.ExpectedFeaturesFor("other"));
        Assert.Empty(KafkaStreamOptionsValidator.Validate(o));
    }

    [Fact]
    public void Defaults_are_valid_once_bootstrap_servers_are_set_and_topics_default_to_events()
    {
        var o = new KafkaStreamOptions { BootstrapServers = "localhost:9092" };
        Assert.Empty(KafkaStreamOptionsValidator.Validate(o));
        Assert.Equal(["events"], o.EffectiveTopics);
    }

    [Theory]
    [InlineData("BootstrapServers")]
    [InlineData("Topics")]
    [InlineData("DeadLetterTopic")]
    [InlineData("MaxInFlightEventsPerQueue")]
    [InlineData("MaxBatchRecords")]
    [InlineData("ExpectedFeatureCount")]
    [InlineData("RedeliverAfter")]
    [InlineData("FetchWaitMax")]
    [InlineData("QuarantineAfterFailedDeliveries")]
    public void The_validator_names_the_bad_option(string option)
    {
        var o = new KafkaStreamOptions { BootstrapServers = "localhost:9092" };
        switch (option)
        {
            case "BootstrapServers": o.BootstrapServers = " "; break;
            case "Topics": o.Topics = ["bad topic!"]; break;
            case "DeadLetterTopic": o.DeadLetterTopic = "events"; break;
            case "MaxInFlightEventsPerQueue": o.MaxInFlightEventsPerQueue = 0; break;
            case "MaxBatchRecords": o.MaxBatchRecords = 0; break;
            case "ExpectedFeatureCount": o.ExpectedFeatureCount = 0; break;
            case "RedeliverAfter": o.RedeliverAfter = TimeSpan.FromMilliseconds(10); break;
            case "FetchWaitMax": o.FetchWaitMax = TimeSpan.FromMilliseconds(-1); break;
            case "QuarantineAfterFailedDeliveries": o.QuarantineAfterFailedDeliveries = -1; break;
        }
        Assert.Contains($"Kafka:{option} ", Failure(o));
    }

    [Fact]
    public void A_producer_limit_below_the_record_limit_stops_the_silo_naming_both_options()
    {
        // librdkafka's default message.max.bytes (1000000) set explicitly, with the default Kafka:MaxRecordBytes (1 MiB).
        var o = new KafkaStreamOptions { BootstrapServers = "localhost:9092", Client = new() { ["message.max.bytes"] = "1000000" } };
        var failure = Failure(o);
        Assert.Contains("Kafka:Client:message.max.bytes ", failure);
        Assert.Contains("Kafka:MaxRecordBytes (1048576)", failure);

        o.Client["message.max.bytes"] = (o.MaxRecordBytes + DeadLetters.DeadLetterLimits.Room).ToString();
        Assert.Empty(KafkaStreamOptionsValidator.Validate(o));
        o.Client["message.max.bytes"] = "lots";
        Assert.Contains(KafkaStreamOptionsValidator.Validate(o), m => m.StartsWith("Kafka:Client:message.max.bytes must be a whole number", StringComparison.Ordinal));
    }

    // What a silo's options validation says of the provider "kafka" (it fails the start with this message).
    private static string Failure(KafkaStreamOptions o)
    {
        var result = new KafkaStreamOptionsValidator("kafka").Validate("kafka", o);
        Assert.True(result.Failed, "the options were accepted");
        Assert.Equal(Microsoft.Extensions.Options.ValidateOptionsResult.Skip, new KafkaStreamOptionsValidator("other").Validate("kafka", o));
        return result.FailureMessage;
    }
}
