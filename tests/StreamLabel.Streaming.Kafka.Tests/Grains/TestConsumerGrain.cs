using Orleans.Streams;
using Orleans.Streams.Core;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Streaming.Kafka.Tests.Grains;

/// <summary>
/// A consumer that follows the provider's grain contract: implicit subscription on the key, OffsetLedger to skip
/// redeliveries and detect gaps, effect and offsets persisted in one write, durable offsets reported on request.
/// Its "effect" is a count and the last per-key sequence, so tests can prove exactly-once, in-order application.
/// </summary>
[ImplicitStreamSubscription("streamlabel")]
public sealed class TestConsumerGrain(
    [PersistentState("consumer", StreamLabel.Testing.KafkaTestCluster.StorageName)] IPersistentState<ConsumerState> state,
    ConsumerBehavior behavior)
    : Grain, ITestConsumerGrain, IDurableOffsetSource, IStreamSubscriptionObserver, IAsyncBatchObserver<StreamEvent>
{
    private OffsetLedger _ledger = new();
    private int _durableApplied;
    private int _duplicates;
    private int _gaps;
    private int _largestDelivery;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ledger = new OffsetLedger(state.State.Offsets);
        state.State.Offsets = _ledger.Applied;
        _durableApplied = state.State.Applied;
        this.RegisterGrainTimer(PersistIfDirtyAsync, behavior.PersistInterval, behavior.PersistInterval);
        return Task.CompletedTask;
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<StreamEvent>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<StreamEvent>> items)
    {
        if (behavior.FailDeliveries) throw new InvalidOperationException("test consumer refuses deliveries");
        _largestDelivery = Math.Max(_largestDelivery, items.Count);
        foreach (var item in items)
        {
            var e = item.Item;
            switch (_ledger.Check(e))
            {
                case EventVerdict.Duplicate: _duplicates++; continue;
                case EventVerdict.Gap: _gaps++; continue;
            }
            string id = e.Id!;
            long sequence = long.Parse(id[(id.LastIndexOf(':') + 1)..]);
            if (sequence != state.State.LastSequence + 1) state.State.OutOfOrder++;
            state.State.LastSequence = sequence;
            state.State.Applied++;
            _ledger.MarkApplied(e);
        }
        if (behavior.PersistEveryBatch && !behavior.Hold) await PersistAsync();
    }

    private Task PersistIfDirtyAsync(CancellationToken _) => _ledger.HasUndurable && !behavior.Hold ? PersistAsync() : Task.CompletedTask;

    private async Task PersistAsync()
    {
        await state.WriteStateAsync();
        _ledger.MarkDurable();
        _durableApplied = state.State.Applied;
    }

    public Task<DurableOffsets> GetDurableOffsetsAsync() => Task.FromResult(_ledger.Report());

    public Task<ConsumerSnapshot> GetSnapshotAsync() => Task.FromResult(new ConsumerSnapshot(
        state.State.Applied, state.State.LastSequence, state.State.OutOfOrder, _durableApplied, _duplicates, _gaps, _largestDelivery));

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task OnCompletedAsync() => Task.CompletedTask;
}
