using Orleans.Streams;
using Orleans.Streams.Core;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Bench.Kafka;

/// <summary>Consumes events and does nothing else: it reports everything it saw as durable at once, so the
/// benchmark measures the provider alone (read, parse, pack, deliver, commit).</summary>
[ImplicitStreamSubscription("streamlabel")]
public sealed class NoOpConsumerGrain : Grain, IDurableOffsetSource, IStreamSubscriptionObserver, IAsyncBatchObserver<StreamEvent>
{
    private readonly Dictionary<(string Topic, int Partition), long> _seen = [];

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<StreamEvent>().ResumeAsync(this);

    public Task OnNextAsync(IList<SequentialItem<StreamEvent>> items)
    {
        foreach (var item in items) _seen[(item.Item.Topic, item.Item.Partition)] = item.Item.Offset;
        BenchCounters.Add(items.Count);
        return Task.CompletedTask;
    }

    public Task<DurableOffsets> GetDurableOffsetsAsync() =>
        Task.FromResult(new DurableOffsets(_seen.ToDictionary(s => TopicPartitionKey.Of(s.Key.Topic, s.Key.Partition), s => s.Value), []));

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task OnCompletedAsync() => Task.CompletedTask;
}

/// <summary>Events delivered to no-op consumers, process-wide.</summary>
public static class BenchCounters
{
    private static long _events;
    public static long Events => Interlocked.Read(ref _events);
    public static void Add(int n) => Interlocked.Add(ref _events, n);
}
