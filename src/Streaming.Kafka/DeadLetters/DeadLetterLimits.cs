using System.Globalization;

namespace StreamLabel.Streaming.Kafka.DeadLetters;

/// <summary>
/// Sizes that keep every dead letter writable: the producer must take a rejected record of up to Kafka:MaxRecordBytes
/// plus its key and headers, and a detail is cut short so that a grain's text (e.g. a huge label) cannot outgrow it.
/// </summary>
public static class DeadLetterLimits
{
    /// <summary>librdkafka's producer setting that caps one record (its default, 1000000, is below 1 MiB).</summary>
    public const string ProducerMessageMaxBytes = "message.max.bytes";

    /// <summary>Room a dead letter needs beyond the original value: a valid key (at most 256 bytes), the headers with a
    /// truncated detail, and the record framing.</summary>
    public const int Room = 4096;

    /// <summary>Longest detail header, in characters; longer details end with "… (N chars)".</summary>
    public const int MaxDetailChars = 512;

    /// <summary>Largest Kafka:MaxRecordBytes: librdkafka refuses a message.max.bytes above 1,000,000,000.</summary>
    public const int MaxRecordBytesLimit = 1_000_000_000 - Room;

    /// <summary>The producer's message.max.bytes: Kafka:Client's when set (null when it is not a number), else what an
    /// original of Kafka:MaxRecordBytes needs.</summary>
    public static int? ProducerLimit(KafkaStreamOptions options) =>
        options.Client.TryGetValue(ProducerMessageMaxBytes, out var text)
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int set) ? set : null
            : options.MaxRecordBytes + Room;

    /// <summary>The detail, cut to <see cref="MaxDetailChars"/> without splitting a surrogate pair.</summary>
    public static string? Truncate(string? detail)
    {
        if (detail is null || detail.Length <= MaxDetailChars) return detail;
        int keep = char.IsHighSurrogate(detail[MaxDetailChars - 1]) ? MaxDetailChars - 1 : MaxDetailChars;
        return string.Concat(detail.AsSpan(0, keep), $"… ({detail.Length} chars)");
    }
}
