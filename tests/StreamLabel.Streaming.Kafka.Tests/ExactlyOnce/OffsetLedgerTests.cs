using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Streaming.Kafka.Tests.ExactlyOnce;

public sealed class OffsetLedgerTests
{
    private static StreamEvent At(long offset, long previous, int partition = 0) =>
        new("t", partition, offset, previous, "k", null, [1f], "a", null, null, []);

    [Fact]
    public void Applies_new_events_skips_redeliveries_and_reports_only_durable_offsets()
    {
        var ledger = new OffsetLedger();
        Assert.Equal(EventVerdict.Apply, ledger.Check(At(5, -1)));
        ledger.MarkApplied(At(5, -1));
        Assert.Equal(EventVerdict.Duplicate, ledger.Check(At(5, -1)));
        Assert.Equal(EventVerdict.Apply, ledger.Check(At(9, 5)));
        ledger.MarkApplied(At(9, 5));
        Assert.Empty(ledger.Report().Offsets);      // nothing written yet
        Assert.True(ledger.HasUndurable);
        ledger.MarkDurable();
        Assert.Equal(9, ledger.Report().Offsets["t:0"]);
        Assert.False(ledger.HasUndurable);
        Assert.Equal(EventVerdict.Apply, ledger.Check(At(3, -1, partition: 1)));  // partitions are independent
    }

    [Fact]
    public void A_restored_ledger_sees_a_gap_when_the_previous_event_of_the_key_was_lost_and_reports_it_until_filled()
    {
        var ledger = new OffsetLedger(new Dictionary<string, long> { ["t:0"] = 5 });   // persisted up to 5
        // Offsets 9 and 12 were applied by an activation that died before persisting; 15 arrives pointing at 12.
        Assert.Equal(EventVerdict.Gap, ledger.Check(At(15, 12)));
        Assert.Equal(["t:0"], ledger.Report().Gaps);
        // The reader delivers the undurable events again, from 9.
        Assert.Equal(EventVerdict.Apply, ledger.Check(At(9, 5)));
        ledger.MarkApplied(At(9, 5));
        Assert.Empty(ledger.Report().Gaps);
        Assert.Equal(EventVerdict.Apply, ledger.Check(At(12, 9)));
        ledger.MarkApplied(At(12, 9));
        Assert.Equal(EventVerdict.Apply, ledger.Check(At(15, 12)));
    }
}
