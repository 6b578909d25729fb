using System.Text;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.Tests.Events;

public sealed class RecordKeyTests
{
    [Fact]
    public void Accepts_1_to_256_bytes_of_UTF8_and_returns_the_same_string_instance_for_a_repeated_key()
    {
        var keys = new RecordKey();
        Assert.Null(keys.TryDecode("é"u8, out var first));
        Assert.Null(keys.TryDecode("é"u8, out var again));
        Assert.Equal("é", first);
        Assert.Same(first, again);
        Assert.Null(keys.TryDecode(Encoding.UTF8.GetBytes(new string('k', 256)), out _));
    }

    [Fact]
    public void Rejects_empty_oversized_and_invalid_keys()
    {
        var keys = new RecordKey();
        Assert.Equal(DeadLetterReasons.EmptyKey, keys.TryDecode([], out _)?.Reason);
        Assert.Equal(DeadLetterReasons.OversizedKey, keys.TryDecode(Encoding.UTF8.GetBytes(new string('k', 257)), out _)?.Reason);
        Assert.Equal(DeadLetterReasons.InvalidKey, keys.TryDecode([0x61, 0xE2, 0x82], out _)?.Reason);
    }

    [Fact]
    public void The_consumer_s_key_deserializer_gives_pooled_strings_or_the_rejected_bytes_with_the_reason()
    {
        var keys = new RecordKeyDeserializer();
        var context = new Confluent.Kafka.SerializationContext(Confluent.Kafka.MessageComponentType.Key, "t");
        var first = keys.Deserialize("model-7"u8, false, context);
        Assert.Equal("model-7", first);
        Assert.Same(first, keys.Deserialize("model-7"u8, false, context));
        var invalid = Assert.IsType<RejectedKey>(keys.Deserialize([0x61, 0xE2, 0x82], false, context));
        Assert.Equal([0x61, 0xE2, 0x82], invalid.Bytes);
        Assert.Equal(DeadLetterReasons.InvalidKey, invalid.Reason);
        var missing = Assert.IsType<RejectedKey>(keys.Deserialize([], true, context));
        Assert.Null(missing.Bytes);
        Assert.Equal(DeadLetterReasons.EmptyKey, missing.Reason);
        Assert.Equal([], Assert.IsType<RejectedKey>(keys.Deserialize([], false, context)).Bytes!);
    }
}
