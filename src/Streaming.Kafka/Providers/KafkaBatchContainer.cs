using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>The events of one key read from one partition in one poll: one grain call delivers them all.
/// Immutable once built (the receiver keeps the events for redelivery), so silo-local deliveries skip the copy.</summary>
[GenerateSerializer, Immutable, Alias("streamlabel.kafka.KafkaBatchContainer")]
internal sealed class KafkaBatchContainer(StreamId streamId, List<StreamEvent> events, EventSequenceTokenV2 token) : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; } = streamId;
    [Id(1)] public List<StreamEvent> Events { get; } = events;
    [Id(2)] public EventSequenceTokenV2 Token { get; } = token;

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (int i = 0; i < Events.Count; i++)
            if (Events[i] is T item) yield return Tuple.Create(item, (StreamSequenceToken)Token.CreateSequenceTokenForEvent(i));
    }

    public bool ImportRequestContext() => false;
}
