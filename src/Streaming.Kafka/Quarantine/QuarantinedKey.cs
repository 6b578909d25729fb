namespace StreamLabel.Streaming.Kafka.Quarantine;

/// <summary>A key a partition reader no longer delivers: its grain failed too many deliveries in a row, so its events
/// go to the dead-letter topic (reason grain-unavailable) until an operator releases it.</summary>
/// <param name="Key">The record key (the grain key).</param>
/// <param name="Partition">"topic:partition" of the reader that quarantined it.</param>
/// <param name="Since">When the reader quarantined it.</param>
/// <param name="FailedDeliveries">Deliveries that had failed in a row then.</param>
/// <param name="DeadLettered">Events of the key dead-lettered since, as of the reader's last report.</param>
/// <param name="Generation">The key's release count in <see cref="IKeyQuarantineGrain"/> when this quarantine was
/// first reported; -1 before that. A reader whose entry is older than the key's last release drops it.</param>
[GenerateSerializer, Immutable, Alias("streamlabel.kafka.QuarantinedKey")]
public sealed record QuarantinedKey(
    [property: Id(0)] string Key,
    [property: Id(1)] string Partition,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] int FailedDeliveries,
    [property: Id(4)] long DeadLettered,
    [property: Id(5)] long Generation);
