using Confluent.Kafka;

namespace StreamLabel.Streaming.Kafka.Events;

/// <summary>
/// Decodes record keys in the client's own buffer: a valid key comes back as its pooled string (the byte-array
/// deserializer made a byte[] per record, only to be decoded into that same string), a bad one as a
/// <see cref="RejectedKey"/> with its bytes for the dead letter. One per partition reader: the client calls it from
/// Consume, and the string pool is not thread-safe.
/// </summary>
internal sealed class RecordKeyDeserializer : IDeserializer<object?>
{
    private readonly RecordKey _keys = new();

    public object? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        _keys.TryDecode(data, out var key) is { } problem ? new RejectedKey(isNull ? null : data.ToArray(), problem.Reason, problem.Detail) : key;
}

/// <summary>A record key that cannot name a model: its bytes as read (null when the record had none) and why.</summary>
internal sealed record RejectedKey(byte[]? Bytes, string Reason, string Detail);
