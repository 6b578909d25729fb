using System.Buffers;
using System.Text.Json;

namespace StreamLabel.Streaming.EventFormat;

/// <summary>Writes the event value: {"features":[...], "label": string|null, "id": string?, "ts": unix ms?}.</summary>
public static class EventWriter
{
    public static byte[] Write(ReadOnlySpan<float> features, string? label, string? id = null, long? timestampMs = null)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + features.Length * 12);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("features");
            foreach (var f in features) json.WriteNumberValue(f);
            json.WriteEndArray();
            if (label is null) json.WriteNull("label"); else json.WriteString("label", label);
            if (id is not null) json.WriteString("id", id);
            if (timestampMs is long ts) json.WriteNumber("ts", ts);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
