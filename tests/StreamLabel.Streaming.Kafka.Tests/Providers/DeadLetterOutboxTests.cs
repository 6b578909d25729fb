using Confluent.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.ExactlyOnce;
using StreamLabel.Streaming.Kafka.Providers;

namespace StreamLabel.Streaming.Kafka.Tests.Providers;

/// <summary>Failed dead letters: retried with growing waits, never dropped; an original too large to write is replaced
/// by a metadata-only letter instead of being retried forever.</summary>
public sealed class DeadLetterOutboxTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static DeadLetter Letter(long offset, int valueBytes = 10) =>
        new("t", 0, offset, [1, 2], new byte[valueBytes], DeadLetterReasons.MalformedJson, "detail");

    [Fact]
    public void A_letter_that_keeps_failing_is_retried_with_exponential_capped_waits_and_holds_the_commit()
    {
        var clock = new ManualClock();
        var watermark = new PartitionWatermark();
        var tries = new List<DateTimeOffset>();
        bool brokerDown = true;
        var outbox = new DeadLetterOutbox((letter, done) =>
        {
            tries.Add(clock.Now);
            done(letter, brokerDown ? new Error(ErrorCode.TopicAuthorizationFailed) : null);
        }, watermark, (_, _) => { }, clock);

        watermark.Read(0);
        outbox.Send(Letter(0));
        // The pulling agent polls every 20 ms: two simulated minutes of polls.
        for (int poll = 0; poll < 6000; poll++)
        {
            outbox.Harvest();
            clock.Now += TimeSpan.FromMilliseconds(20);
        }
        // 200 ms, 400 ms, ... 25.6 s, then every 30 s: 8 doublings reach 51 s; 120 s hold about 11 tries (not 6000).
        Assert.InRange(tries.Count, 9, 13);
        var gaps = tries.Zip(tries.Skip(1), (a, b) => b - a).ToList();
        // (A failure is seen at the poll after the try, up to 20 ms later.)
        Assert.InRange(gaps[0], TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(220));
        Assert.InRange(gaps[1], TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(440));
        Assert.All(gaps, g => Assert.True(g <= DeadLetterOutbox.MaxRetryDelay + TimeSpan.FromMilliseconds(20), $"gap {g}"));
        Assert.Equal(0, watermark.Watermark);           // never dropped: the offset stays uncommitted

        brokerDown = false;
        clock.Now += DeadLetterOutbox.MaxRetryDelay;
        outbox.Harvest();                                // the due retry succeeds
        outbox.Harvest();                                // its acknowledgement is taken in
        Assert.Equal(1, watermark.Watermark);
        Assert.Equal(0, outbox.WaitingRetries);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_original_too_large_to_write_becomes_a_metadata_only_letter_at_once(bool refusedLocally)
    {
        var clock = new ManualClock();
        var watermark = new PartitionWatermark();
        var written = new List<DeadLetter>();
        var outbox = new DeadLetterOutbox((letter, done) =>
        {
            if (letter.Value is { Length: > 100 })
            {
                // librdkafka refuses it at produce time (message.max.bytes), or the broker does (max.message.bytes).
                if (refusedLocally) throw new KafkaException(ErrorCode.MsgSizeTooLarge);
                done(letter, new Error(ErrorCode.MsgSizeTooLarge));
                return;
            }
            written.Add(letter);
            done(letter, null);
        }, watermark, (_, _) => { }, clock);

        watermark.Read(7);
        outbox.Send(Letter(7, valueBytes: 5000));
        outbox.Harvest();
        outbox.Harvest();

        var letter = Assert.Single(written);
        Assert.True(letter.IsMetadataOnly);
        Assert.Null(letter.Value);
        Assert.Null(letter.Key);
        Assert.Equal(5000, letter.OmittedValueBytes);
        Assert.Equal(2, letter.OmittedKeyBytes);
        Assert.Equal((7L, DeadLetterReasons.MalformedJson), (letter.Offset, letter.Reason));
        Assert.Equal(8, watermark.Watermark);
    }

    [Fact]
    public void Details_are_cut_short_without_splitting_a_character()
    {
        Assert.Equal("short", DeadLetterLimits.Truncate("short"));
        var cut = DeadLetterLimits.Truncate(new string('x', DeadLetterLimits.MaxDetailChars - 1) + "😀" + new string('y', 100_000))!;
        Assert.StartsWith(new string('x', DeadLetterLimits.MaxDetailChars - 1) + "…", cut, StringComparison.Ordinal);
        Assert.EndsWith($"({DeadLetterLimits.MaxDetailChars + 100_001} chars)", cut, StringComparison.Ordinal);
    }
}
