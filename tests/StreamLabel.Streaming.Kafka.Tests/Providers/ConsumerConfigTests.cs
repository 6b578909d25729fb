using StreamLabel.Streaming.Kafka.Providers;

namespace StreamLabel.Streaming.Kafka.Tests.Providers;

/// <summary>How a partition reader's librdkafka settings come from the options: Kafka:FetchWaitMax, Kafka:Client, defaults.</summary>
public sealed class ConsumerConfigTests
{
    [Fact]
    public void Fetch_wait_is_librdkafkas_default_unless_configured()
    {
        var config = KafkaQueueAdapterReceiver.ConsumerConfigFor(new KafkaStreamOptions { BootstrapServers = "b:9092" }, "c");
        Assert.Null(config.FetchWaitMaxMs); // librdkafka's own default (500 ms) applies
        Assert.Equal("b:9092", config.BootstrapServers);
        Assert.Equal("c", config.ClientId);
    }

    [Fact]
    public void Kafka_FetchWaitMax_sets_fetch_wait_max_ms()
    {
        var options = new KafkaStreamOptions { BootstrapServers = "b:9092", FetchWaitMax = TimeSpan.FromMilliseconds(25) };
        Assert.Equal(25, KafkaQueueAdapterReceiver.ConsumerConfigFor(options, "c").FetchWaitMaxMs);
    }

    [Fact]
    public void A_librdkafka_setting_in_Kafka_Client_wins_over_FetchWaitMax()
    {
        var options = new KafkaStreamOptions
        {
            BootstrapServers = "b:9092", FetchWaitMax = TimeSpan.FromMilliseconds(25),
            Client = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "7", ["group.id"] = "ignored" },
        };
        var config = KafkaQueueAdapterReceiver.ConsumerConfigFor(options, "c");
        Assert.Equal(7, config.FetchWaitMaxMs);
        Assert.Equal(options.ConsumerGroup, config.GroupId); // the provider owns the group
    }
}
