using StreamLabel.Streaming.EventFormat;

namespace StreamLabel.Streaming.Kafka.DeadLetters;

/// <summary>Values of the dead-letter reason header (<c>EventHeaders.DeadLetterReason</c>) and the metric tag.</summary>
public static class DeadLetterReasons
{
    /// <summary>The value is not a JSON object of the event format.</summary>
    public const string MalformedJson = "malformed-json";
    /// <summary>The value is not valid UTF-8 (e.g. truncated in the middle of a character).</summary>
    public const string InvalidUtf8 = "invalid-utf8";
    /// <summary>The value is empty (a tombstone).</summary>
    public const string EmptyValue = "empty-value";
    /// <summary>"features" is absent or empty, or has fewer values than expected for the key.</summary>
    public const string MissingFeatures = "missing-features";
    /// <summary>"features" has more values than expected for the key (or than MaxFeatures).</summary>
    public const string ExtraFeatures = "extra-features";
    /// <summary>A feature is NaN or infinite (or out of float range).</summary>
    public const string NonFiniteFeature = "non-finite-feature";
    /// <summary>"label" is neither a string, an integer nor null; or "id"/"ts" has the wrong type.</summary>
    public const string InvalidField = "invalid-field";
    /// <summary>A string field ("label", "id", "ts") is not valid Unicode text: a lone UTF-16 surrogate escape such as
    /// \udc00, which JSON's grammar allows and JSON.stringify can write, but no .NET string can hold correctly.</summary>
    public const string InvalidString = "invalid-string";
    /// <summary>Turning the record into an event failed in an unforeseen way; the detail holds the error.</summary>
    public const string UnreadableRecord = "unreadable-record";
    /// <summary>The record value is larger than MaxRecordBytes.</summary>
    public const string OversizedRecord = "oversized-record";
    /// <summary>The record key is absent or empty.</summary>
    public const string EmptyKey = "empty-key";
    /// <summary>The record key is longer than 256 bytes.</summary>
    public const string OversizedKey = "oversized-key";
    /// <summary>The record key is not valid UTF-8.</summary>
    public const string InvalidKey = "invalid-key";
    /// <summary>Grain-side: the label is not in the model's class list.</summary>
    public const string UnknownLabel = "unknown-label";
    /// <summary>Grain-side: the feature count does not match the model's input size.</summary>
    public const string FeatureCountMismatch = "feature-count-mismatch";
    /// <summary>Grain-side: the key has no model spec yet (none configured, none set by a client).</summary>
    public const string NoModelSpec = "no-model-spec";
    /// <summary>Grain-side: the key's Models:Patterns entry already has its MaxKeys keys.</summary>
    public const string KeyCap = "key-cap";
    /// <summary>Reader-side: the key is quarantined because its grain failed Kafka:QuarantineAfterFailedDeliveries
    /// deliveries in a row (e.g. it cannot activate); its events wait here until an operator releases the key.</summary>
    public const string GrainUnavailable = "grain-unavailable";
}
