using System.Text;
using StreamLabel.Streaming.Kafka.DeadLetters;

namespace StreamLabel.Reliability.Tests;

/// <summary>One bad record: its key and value bytes, and the dead-letter reason StreamLabel must give it.</summary>
internal sealed record BadRecord(string Name, byte[]? Key, byte[] Value, string Reason);

/// <summary>
/// Records the event format rejects, each aimed at a healthy model key (8 features, classes DOWN/UP) unless the key
/// itself is the fault. Reasons are those of src/Streaming.Kafka/DeadLetters/DeadLetterReasons.cs: the reader rejects
/// format faults; the student grain rejects what only the model can judge (feature count, unknown label).
/// </summary>
internal static class BadInputCorpus
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
    private const string Eight = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8";

    public static IReadOnlyList<BadRecord> For(string healthyKey, int maxRecordBytes)
    {
        var key = Utf8(healthyKey);
        var valid = Utf8($$"""{"features":[{{Eight}}],"label":"UP"}""");
        var truncated = Utf8($$"""{"features":[{{Eight}}],"label":"UP","id":"é""");
        return
        [
            new("malformed JSON (cut off)", key, Utf8("""{"features":[0.1,0.2"""), DeadLetterReasons.MalformedJson),
            new("not JSON", key, Utf8("hello, world"), DeadLetterReasons.MalformedJson),
            new("JSON array, not an object", key, Utf8("[0.1,0.2,0.3]"), DeadLetterReasons.MalformedJson),
            new("feature is a string", key, Utf8("""{"features":["a",0,0,0,0,0,0,0],"label":"UP"}"""), DeadLetterReasons.MalformedJson),
            new("truncated UTF-8", key, truncated[..^1], DeadLetterReasons.InvalidUtf8),
            new("empty value", key, [], DeadLetterReasons.EmptyValue),
            new("no features", key, Utf8("""{"label":"UP"}"""), DeadLetterReasons.MissingFeatures),
            new("empty features", key, Utf8("""{"features":[],"label":"UP"}"""), DeadLetterReasons.MissingFeatures),
            new("3 features for an 8-feature model", key, Utf8("""{"features":[1,2,3],"label":"UP"}"""), DeadLetterReasons.FeatureCountMismatch),
            new("9 features for an 8-feature model", key, Utf8("""{"features":[1,2,3,4,5,6,7,8,9],"label":"DOWN"}"""), DeadLetterReasons.FeatureCountMismatch),
            new("NaN literal", key, Utf8("""{"features":[NaN,0,0,0,0,0,0,0],"label":"UP"}"""), DeadLetterReasons.NonFiniteFeature),
            new("\"Infinity\" string", key, Utf8("""{"features":[0,"Infinity",0,0,0,0,0,0],"label":"UP"}"""), DeadLetterReasons.NonFiniteFeature),
            new("-Infinity literal", key, Utf8("""{"features":[0,0,-Infinity,0,0,0,0,0],"label":"UP"}"""), DeadLetterReasons.NonFiniteFeature),
            new("1e39 (beyond float)", key, Utf8("""{"features":[0,0,0,1e39,0,0,0,0],"label":"UP"}"""), DeadLetterReasons.NonFiniteFeature),
            new("-1e300", key, Utf8("""{"features":[0,0,0,0,-1e300,0,0,0],"label":"UP"}"""), DeadLetterReasons.NonFiniteFeature),
            new("oversized record", key, Utf8($$"""{"features":[{{Eight}}],"label":"UP","pad":"{{new string('x', maxRecordBytes + 1024)}}"}"""), DeadLetterReasons.OversizedRecord),
            new("unknown label", key, Utf8($$"""{"features":[{{Eight}}],"label":"SIDEWAYS"}"""), DeadLetterReasons.UnknownLabel),
            new("label of the wrong type", key, Utf8($$"""{"features":[{{Eight}}],"label":true}"""), DeadLetterReasons.InvalidField),
            new("id of the wrong type", key, Utf8($$"""{"features":[{{Eight}}],"label":"UP","id":42}"""), DeadLetterReasons.InvalidField),
            // Lone UTF-16 surrogate escapes, as JSON.stringify writes them: valid JSON, but not text.
            new("lone surrogate in id", key, Utf8($$"""{"features":[{{Eight}}],"label":"UP","id":"\udc00"}"""), DeadLetterReasons.InvalidString),
            new("lone surrogate in label", key, Utf8($$"""{"features":[{{Eight}}],"label":"\ud800"}"""), DeadLetterReasons.InvalidString),
            new("empty key", [], valid, DeadLetterReasons.EmptyKey),
            new("no key", null, valid, DeadLetterReasons.EmptyKey),
            new("oversized key (300 bytes)", Utf8(new string('k', 300)), valid, DeadLetterReasons.OversizedKey),
            new("key not UTF-8", [0xff, 0xfe, 0x41], valid, DeadLetterReasons.InvalidKey),
        ];
    }
}
