using System.Text;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.DataAdapters;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.Tests.DataAdapters;

public sealed class EventParserTests
{
    private static readonly KafkaStreamOptions Options = new()
    {
        MaxRecordBytes = 256,
        MaxFeatures = 8,
        ExpectedFeatureCount = null,
        ExpectedFeatureCountByKeyPrefix = new() { ["iris-"] = 4, ["iris-wide-"] = 6 },
    };

    [Fact]
    public void Parses_every_field_and_turns_an_integer_label_into_its_decimal_string()
    {
        var parser = new EventParser(Options);
        var problem = parser.TryParse("{\"id\":\"e1\",\"extra\":{\"x\":[1,2]},\"features\":[0.5,-2,3e2],\"label\":7,\"ts\":1700000000123}"u8, "k", out var e);
        Assert.Null(problem);
        Assert.Equal([0.5f, -2f, 300f], e.Features);
        Assert.Equal("7", e.Label);
        Assert.Equal("e1", e.Id);
        Assert.Equal(1700000000123, e.TimestampMs);
    }

    [Fact]
    public void Accepts_null_or_missing_label_and_an_ISO_timestamp()
    {
        var parser = new EventParser(Options);
        Assert.Null(parser.TryParse("{\"features\":[1],\"label\":null,\"ts\":\"2026-01-01T00:00:01Z\"}"u8, "k", out var e));
        Assert.Null(e.Label);
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T00:00:01Z").ToUnixTimeMilliseconds(), e.TimestampMs);
        Assert.Null(parser.TryParse("{\"features\":[1]}"u8, "k", out e));
        Assert.Null(e.Label);
    }

    [Theory]
    [InlineData("", DeadLetterReasons.EmptyValue)]
    [InlineData("{\"features\":[1,2", DeadLetterReasons.MalformedJson)]
    [InlineData("{\"features\":[1]} {}", DeadLetterReasons.MalformedJson)]
    [InlineData("\"features\"", DeadLetterReasons.MalformedJson)]
    [InlineData("{\"features\":[1,null]}", DeadLetterReasons.MalformedJson)]
    [InlineData("{\"label\":\"a\"}", DeadLetterReasons.MissingFeatures)]
    [InlineData("{\"features\":[]}", DeadLetterReasons.MissingFeatures)]
    [InlineData("{\"features\":3}", DeadLetterReasons.MissingFeatures)]
    [InlineData("{\"features\":[1,2,3,4,5,6,7,8,9]}", DeadLetterReasons.ExtraFeatures)]
    [InlineData("{\"features\":[NaN]}", DeadLetterReasons.NonFiniteFeature)]
    [InlineData("{\"features\":[-Infinity]}", DeadLetterReasons.NonFiniteFeature)]
    [InlineData("{\"features\":[\"NaN\"]}", DeadLetterReasons.NonFiniteFeature)]
    [InlineData("{\"features\":[1e39]}", DeadLetterReasons.NonFiniteFeature)]
    [InlineData("{\"features\":[1],\"label\":1.5}", DeadLetterReasons.InvalidField)]
    [InlineData("{\"features\":[1],\"label\":[\"a\"]}", DeadLetterReasons.InvalidField)]
    [InlineData("{\"features\":[1],\"id\":5}", DeadLetterReasons.InvalidField)]
    [InlineData("{\"features\":[1],\"ts\":\"yesterday\"}", DeadLetterReasons.InvalidField)]
    [InlineData("{\"features\":[1],\"id\":\"\\udc00\"}", DeadLetterReasons.InvalidString)]
    [InlineData("{\"features\":[1],\"label\":\"a\\ud800\"}", DeadLetterReasons.InvalidString)]
    [InlineData("{\"features\":[1],\"ts\":\"\\udc00\"}", DeadLetterReasons.InvalidString)]
    public void Rejects_bad_values_with_the_reason(string json, string reason)
    {
        var problem = new EventParser(Options).TryParse(Encoding.UTF8.GetBytes(json), "k", out _);
        Assert.Equal(reason, problem?.Reason);
    }

    [Fact]
    public void Rejects_truncated_UTF8_and_oversized_records()
    {
        var parser = new EventParser(Options);
        byte[] truncated = [.. "{\"features\":[1],\"label\":\"\u20AC"u8.ToArray()[..^2], (byte)'"', (byte)'}'];
        Assert.Equal(DeadLetterReasons.InvalidUtf8, parser.TryParse(truncated, "k", out _)?.Reason);
        var big = Encoding.UTF8.GetBytes("{\"features\":[1],\"id\":\"" + new string('x', 300) + "\"}");
        Assert.Equal(DeadLetterReasons.OversizedRecord, parser.TryParse(big, "k", out _)?.Reason);
    }

    [Theory]
    [InlineData("iris-1", 4, null)]
    [InlineData("iris-1", 3, DeadLetterReasons.MissingFeatures)]
    [InlineData("iris-1", 5, DeadLetterReasons.ExtraFeatures)]
    [InlineData("iris-wide-1", 6, null)]
    [InlineData("iris-wide-1", 4, DeadLetterReasons.MissingFeatures)]
    [InlineData("other", 1, null)]
    public void Checks_the_expected_feature_count_of_the_longest_matching_key_prefix(string key, int features, string? reason)
    {
        var json = "{\"features\":[" + string.Join(",", Enumerable.Repeat("1", features)) + "]}";
        Assert.Equal(reason, new EventParser(Options).TryParse(Encoding.UTF8.GetBytes(json), key, out _)?.Reason);
    }

    [Fact]
    public void A_valid_event_allocates_only_its_feature_array()
    {
        var parser = new EventParser(new KafkaStreamOptions());
        var value = EventWriter.Write([1, 2, 3, 4, 5, 6, 7, 8], "UP", timestampMs: 1700000000000);
        parser.TryParse(value, "k", out _); // warm up: pools the label
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) parser.TryParse(value, "k", out _);
        long perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
        // A float[8] is 56 bytes on x64; anything per-event beyond it (strings, boxes, buffers) fails this.
        Assert.InRange(perEvent, 56, 64);
    }
}
