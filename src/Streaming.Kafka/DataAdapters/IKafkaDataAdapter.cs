using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Streaming.Kafka.DataAdapters;

/// <summary>
/// Turns a Kafka record into the event its key's grain receives, or into the reason it goes to the dead-letter topic:
/// the payload format, kept out of the provider as Orleans' own providers keep theirs (IEventHubDataAdapter,
/// ISQSDataAdapter). The default is StreamLabel's JSON format, <see cref="JsonEventAdapter"/>; register another with
/// <c>UseDataAdapter</c>. Each partition reader makes its own and calls it from its turns only, so an adapter may reuse
/// buffers and pool strings without locks.
/// </summary>
public interface IKafkaDataAdapter
{
    /// <summary>The event for <paramref name="record"/>; or null, with the dead-letter reason and a detail in
    /// <paramref name="rejection"/>. An exception is not lost either: the reader dead-letters the record as
    /// <c>unreadable-record</c>.</summary>
    StreamEvent? ToEvent(in ReceivedRecord record, out (string Reason, string Detail) rejection);
}
