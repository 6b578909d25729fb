using StreamLabel.Streaming.Kafka.DeadLetters;

namespace StreamLabel.Streaming.Kafka.Tests.Providers;

/// <summary>The silo's producer takes a dead letter of Kafka:MaxRecordBytes and lingers 5 ms, unless Kafka:Client says otherwise.</summary>
public sealed class ProducerConfigTests
{
    [Fact]
    public void Message_max_bytes_defaults_to_the_record_limit_plus_room_for_a_dead_letter()
    {
        var config = KafkaOutputProducer.ConfigFor(new KafkaStreamOptions { BootstrapServers = "b:9092" });
        // librdkafka's own default (1000000) is below the default Kafka:MaxRecordBytes (1048576).
        Assert.Equal((1 << 20) + DeadLetterLimits.Room, config.MessageMaxBytes);
        Assert.Equal(5000 + DeadLetterLimits.Room, KafkaOutputProducer.ConfigFor(new KafkaStreamOptions { BootstrapServers = "b:9092", MaxRecordBytes = 5000 }).MessageMaxBytes);
    }

    [Fact]
    public void An_explicit_message_max_bytes_is_kept()
    {
        var options = new KafkaStreamOptions { BootstrapServers = "b:9092", Client = new() { ["message.max.bytes"] = "2000000" } };
        Assert.Equal(2_000_000, KafkaOutputProducer.ConfigFor(options).MessageMaxBytes);
    }

    [Fact]
    public void Linger_defaults_to_5_ms_and_an_explicit_one_is_kept()
    {
        Assert.Equal(5, KafkaOutputProducer.ConfigFor(new KafkaStreamOptions { BootstrapServers = "b:9092" }).LingerMs);
        var options = new KafkaStreamOptions { BootstrapServers = "b:9092", Client = new() { ["linger.ms"] = "200" } };
        Assert.Equal(200, KafkaOutputProducer.ConfigFor(options).LingerMs);
    }
}
