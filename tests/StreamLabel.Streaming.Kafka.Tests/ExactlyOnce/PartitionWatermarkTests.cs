using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Streaming.Kafka.Tests.ExactlyOnce;

public sealed class PartitionWatermarkTests
{
    private static StreamEvent E(string key, long offset) => new("t", 0, offset, -1, key, null, [1f], null, null, null, []);

    [Fact]
    public void Commits_below_the_lowest_undurable_event_of_any_key_or_dead_letter()
    {
        var w = new PartitionWatermark();
        Assert.Null(w.Watermark);
        foreach (var (key, offset) in new[] { ("a", 0L), ("b", 1L), ("a", 2L), ("b", 4L) })
        {
            w.Read(offset);
            w.Delivered(E(key, offset));
        }
        w.Read(3);
        w.DeadLetterStarted(3);
        Assert.Equal(0, w.Watermark);
        Assert.Equal(2, w.LastUndurableOffset("a"));
        w.MarkDurable("a", 2);
        Assert.Equal(1, w.Watermark);
        Assert.Equal(-1, w.LastUndurableOffset("a"));
        w.MarkDurable("b", 1);
        Assert.Equal(3, w.Watermark);   // the dead letter at 3 is not acknowledged yet
        w.DeadLetterDone(3);
        Assert.Equal(4, w.Watermark);
        w.MarkDurable("b", 4);
        Assert.Equal(5, w.Watermark);
        Assert.Equal(0, w.InFlight);
    }

    [Fact]
    public void Redelivers_a_key_s_undurable_events_in_order_at_most_once_per_quiet_period()
    {
        var w = new PartitionWatermark();
        for (long o = 0; o < 4; o++) w.Delivered(E("a", o));
        w.MarkDurable("a", 1);
        var now = DateTime.UtcNow;
        Assert.Equal([2L, 3L], w.TakeForRedelivery("a", now, TimeSpan.FromSeconds(5)).Select(e => e.Offset));
        Assert.Empty(w.TakeForRedelivery("a", now.AddSeconds(1), TimeSpan.FromSeconds(5)));
        Assert.Equal(2, w.InFlight);
    }

    [Fact]
    public void A_key_that_reuses_an_emptied_backlog_starts_fresh()
    {
        var w = new PartitionWatermark();
        w.Delivered(E("a", 0));
        w.Delivered(E("a", 1));
        Assert.Equal(2, w.TakeForRedelivery("a", DateTime.UtcNow, TimeSpan.Zero).Count);
        w.MarkDurable("a", 1); // "a"'s backlog empties and is kept for reuse
        Thread.Sleep(60);
        w.Delivered(E("b", 2)); // gets that backlog
        var now = DateTime.UtcNow;
        Assert.Equal(["b"], w.PendingKeys);
        Assert.Equal(1, w.InFlight);
        Assert.Equal(2, w.LastUndurableOffset("b"));
        Assert.Equal(-1, w.LastUndurableOffset("a"));
        // Its progress clock starts now (not at "a"'s last progress 60 ms ago), and it was never redelivered.
        Assert.False(w.IsStale("b", now, TimeSpan.FromMilliseconds(40)));
        Assert.Equal([2L], w.TakeForRedelivery("b", now, TimeSpan.FromHours(1)).Select(e => e.Offset));
        w.MarkDurable("b", 2);
        Assert.Equal(0, w.InFlight);
        Assert.Empty(w.PendingKeys);
    }

    [Fact]
    public void Counts_the_bytes_of_undurable_events_and_releases_them_when_durable()
    {
        var w = new PartitionWatermark();
        var big = new StreamEvent("t", 0, 0, -1, "a", null, new float[1000], null, null, null, new byte[5000]);
        var small = new StreamEvent("t", 0, 1, 0, "a", null, [1f], null, null, null, new byte[20]);
        w.Delivered(big);
        w.Delivered(small);
        Assert.Equal(5000 + 4000 + 160 + 20 + 4 + 160, w.InFlightBytes);
        Assert.Equal(2, w.TakeForRedelivery("a", DateTime.UtcNow, TimeSpan.Zero).Count); // a redelivery moves no bytes
        Assert.Equal(5000 + 4000 + 160 + 20 + 4 + 160, w.InFlightBytes);
        w.MarkDurable("a", 0);
        Assert.Equal(20 + 4 + 160, w.InFlightBytes);
        w.MarkDurable("a", 1);
        Assert.Equal(0, w.InFlightBytes);
    }

    [Fact]
    public void Counts_failed_deliveries_until_the_key_makes_progress()
    {
        var w = new PartitionWatermark();
        for (long o = 0; o < 3; o++) { w.Read(o); w.Delivered(E("a", o)); }
        var now = DateTime.UtcNow;
        Assert.Equal(1, w.FailedDeliveries("a")); // the first delivery, when it is found wanting
        w.TakeForRedelivery("a", now, TimeSpan.Zero);
        w.TakeForRedelivery("a", now.AddSeconds(1), TimeSpan.Zero);
        Assert.Equal(3, w.FailedDeliveries("a"));
        w.MarkDurable("a", 0);
        Assert.Equal(1, w.FailedDeliveries("a"));
        Assert.Equal(0, w.FailedDeliveries("unknown"));
    }

    [Fact]
    public void A_quarantined_key_s_events_leave_the_backlog_and_stop_holding_the_commit()
    {
        var w = new PartitionWatermark();
        foreach (var (key, offset) in new[] { ("bad", 0L), ("good", 1L), ("bad", 2L) }) { w.Read(offset); w.Delivered(E(key, offset)); }
        w.MarkDurable("good", 1);
        Assert.Equal(0, w.Watermark);
        var taken = w.TakeAll("bad");
        Assert.Equal([0L, 2L], taken.Select(e => e.Offset));
        foreach (var e in taken) w.DeadLetterStarted(e.Offset);
        Assert.Equal(0, w.Watermark); // until their dead letters are acknowledged
        foreach (var e in taken) w.DeadLetterDone(e.Offset);
        Assert.Equal(3, w.Watermark);
        Assert.Equal((0, 0L), (w.InFlight, w.InFlightBytes));
        Assert.Empty(w.TakeAll("bad"));
    }
}
