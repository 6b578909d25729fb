using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.DataAdapters;

/// <summary>The fields of one valid event value.</summary>
internal readonly record struct ParsedEvent(float[] Features, string? Label, string? Id, long? TimestampMs);

/// <summary>
/// Parses and validates an event value, <c>{"features":[...], "label": string|int|null, "id": string?, "ts": ms|ISO-8601?}</c>,
/// with a Utf8JsonReader: the only allocations for a valid event are its feature array (and its id, when present);
/// keys and labels come from a pool. Unknown properties are ignored (forward compatibility). One instance per partition reader.
/// </summary>
internal sealed class EventParser(KafkaStreamOptions options)
{
    private readonly StringPool _labels = new();
    private float[] _scratch = new float[64];

    /// <summary>Null when valid; otherwise the dead-letter reason and a detail.</summary>
    public (string Reason, string Detail)? TryParse(ReadOnlySpan<byte> value, string key, out ParsedEvent parsed)
    {
        parsed = default;
        if (value.IsEmpty) return (DeadLetterReasons.EmptyValue, "the record value is empty");
        if (value.Length > options.MaxRecordBytes)
            return (DeadLetterReasons.OversizedRecord, $"value is {value.Length} bytes, Kafka:MaxRecordBytes is {options.MaxRecordBytes}");
        if (!Utf8.IsValid(value)) return (DeadLetterReasons.InvalidUtf8, "the value is not valid UTF-8");
        try
        {
            return Parse(value, key, out parsed);
        }
        catch (JsonException e)
        {
            // Python's json.dumps writes NaN/Infinity as bare literals, which are not JSON: name the real problem.
            if (HasNonFiniteLiteral(value)) return (DeadLetterReasons.NonFiniteFeature, "NaN or Infinity literal in the value");
            return (DeadLetterReasons.MalformedJson, e.Message);
        }
    }

    private (string, string)? Parse(ReadOnlySpan<byte> value, string key, out ParsedEvent parsed)
    {
        parsed = default;
        var reader = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return (DeadLetterReasons.MalformedJson, "the value is not a JSON object");

        int featureCount = -1;
        string? label = null, id = null;
        long? ts = null;
        Span<char> digits = stackalloc char[20];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("features"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                    return (DeadLetterReasons.MissingFeatures, "\"features\" is not an array");
                featureCount = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (featureCount >= options.MaxFeatures)
                        return (DeadLetterReasons.ExtraFeatures, $"more than Kafka:MaxFeatures={options.MaxFeatures} features");
                    if (reader.TokenType == JsonTokenType.String && IsNonFiniteName(reader.ValueSpan))
                        return (DeadLetterReasons.NonFiniteFeature, $"feature {featureCount} is {reader.GetString()}");
                    if (reader.TokenType != JsonTokenType.Number)
                        return (DeadLetterReasons.MalformedJson, $"feature {featureCount} is a {reader.TokenType}, not a number");
                    if (!reader.TryGetDouble(out double d) || !float.IsFinite((float)d))
                        return (DeadLetterReasons.NonFiniteFeature, $"feature {featureCount} is out of float range");
                    if (featureCount == _scratch.Length) Array.Resize(ref _scratch, _scratch.Length * 2);
                    _scratch[featureCount++] = (float)d;
                }
            }
            else if (reader.ValueTextEquals("label"u8))
            {
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.Null: label = null; break;
                    case JsonTokenType.String when !reader.ValueIsEscaped: label = _labels.Get(reader.ValueSpan); break;
                    case JsonTokenType.String:
                        if (!TryGetText(ref reader, out label)) return NotText("label");
                        break;
                    case JsonTokenType.Number when reader.TryGetInt64(out long l):
                        l.TryFormat(digits, out int n, provider: System.Globalization.CultureInfo.InvariantCulture);
                        label = _labels.Get((ReadOnlySpan<char>)digits[..n]);
                        break;
                    default: return (DeadLetterReasons.InvalidField, "\"label\" must be a string, an integer or null");
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (!TryGetText(ref reader, out id)) return NotText("id");
                }
                else if (reader.TokenType != JsonTokenType.Null) return (DeadLetterReasons.InvalidField, "\"id\" must be a string or null");
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                string? text = null;
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long ms)) ts = ms;
                else if (reader.TokenType == JsonTokenType.String && !TryGetText(ref reader, out text)) return NotText("ts");
                else if (reader.TokenType == JsonTokenType.String && DateTimeOffset.TryParse(text,
                             System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                    ts = at.ToUnixTimeMilliseconds();
                else if (reader.TokenType != JsonTokenType.Null)
                    return (DeadLetterReasons.InvalidField, "\"ts\" must be Unix milliseconds, an ISO-8601 string or null");
            }
            else
            {
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject) return (DeadLetterReasons.MalformedJson, "unexpected token " + reader.TokenType);
        if (reader.Read()) return (DeadLetterReasons.MalformedJson, "content after the JSON object");

        if (featureCount <= 0) return (DeadLetterReasons.MissingFeatures, featureCount < 0 ? "no \"features\"" : "\"features\" is empty");
        if (options.ExpectedFeaturesFor(key) is int expected && expected != featureCount)
            return (featureCount < expected ? DeadLetterReasons.MissingFeatures : DeadLetterReasons.ExtraFeatures,
                $"expected {expected} features, got {featureCount}");
        parsed = new ParsedEvent(_scratch.AsSpan(0, featureCount).ToArray(), label, id, ts);
        return null;
    }

    // GetString throws on a lone UTF-16 surrogate escape ("\udc00"): JSON's grammar allows it (JSON.stringify writes
    // it), but it is not text, and the record must end as a dead letter rather than as an exception.
    private static bool TryGetText(ref Utf8JsonReader reader, out string? text)
    {
        try
        {
            text = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private static (string, string) NotText(string field) =>
        (DeadLetterReasons.InvalidString, $"\"{field}\" is not valid Unicode text (a lone UTF-16 surrogate escape such as \\udc00)");

    private static bool IsNonFiniteName(ReadOnlySpan<byte> s) =>
        s.SequenceEqual("NaN"u8) || s.SequenceEqual("Infinity"u8) || s.SequenceEqual("-Infinity"u8) || s.SequenceEqual("+Infinity"u8);

    private static readonly SearchValues<string> NonFiniteLiterals = SearchValues.Create(["NaN", "Infinity"], StringComparison.Ordinal);

    private static bool HasNonFiniteLiteral(ReadOnlySpan<byte> value)
    {
        // Only on the error path: decode and look for the bare literals.
        Span<char> chars = value.Length <= 4096 ? stackalloc char[value.Length] : new char[value.Length];
        int n = System.Text.Encoding.UTF8.GetChars(value, chars);
        return chars[..n].ContainsAny(NonFiniteLiterals);
    }
}
