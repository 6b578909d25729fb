using System.Text.Unicode;
using StreamLabel.Streaming.Kafka.DeadLetters;

namespace StreamLabel.Streaming.Kafka.Events;

/// <summary>Validates record keys (the model key: 1-256 bytes of UTF-8) and pools their strings.</summary>
internal sealed class RecordKey
{
    /// <summary>Longest accepted key, in UTF-8 bytes.</summary>
    public const int MaxBytes = 256;
    private readonly StringPool _keys = new(65_536);

    /// <summary>Null when valid; otherwise the dead-letter reason and a detail.</summary>
    public (string Reason, string Detail)? TryDecode(ReadOnlySpan<byte> key, out string decoded)
    {
        decoded = "";
        if (key.IsEmpty) return (DeadLetterReasons.EmptyKey, "the record has no key (the key is the model key)");
        if (key.Length > MaxBytes) return (DeadLetterReasons.OversizedKey, $"the key is {key.Length} bytes, at most {MaxBytes}");
        if (!Utf8.IsValid(key)) return (DeadLetterReasons.InvalidKey, "the key is not valid UTF-8");
        decoded = _keys.Get(key);
        return null;
    }
}
