using System.Text;

namespace StreamLabel.Streaming.Kafka.Events;

/// <summary>
/// Reuses the string of UTF-8 bytes seen before (keys, labels repeat in a stream), so parsing allocates no new
/// string for them. Bounded: past <paramref name="capacity"/> entries new strings are returned without pooling.
/// </summary>
internal sealed class StringPool(int capacity = 4096)
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <summary>The string of valid UTF-8 bytes of at most 1024 bytes (longer ones are decoded without pooling).</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 1024) return Encoding.UTF8.GetString(utf8);
        Span<char> chars = stackalloc char[utf8.Length];
        int n = Encoding.UTF8.GetChars(utf8, chars);
        return Get((ReadOnlySpan<char>)chars[..n]);
    }

    public string Get(ReadOnlySpan<char> chars)
    {
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars, out var existing)) return existing;
        var created = new string(chars);
        if (_strings.Count < capacity) _strings[created] = created;
        return created;
    }
}
