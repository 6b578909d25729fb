namespace StreamLabel.Streaming.Kafka.Tests.Grains;

/// <summary>What the test consumer persists: its effect (counts, last sequence) and applied offsets, in one write.</summary>
[GenerateSerializer, Alias("streamlabel.tests.ConsumerState")]
public sealed class ConsumerState
{
    [Id(0)] public Dictionary<string, long> Offsets { get; set; } = [];
    /// <summary>Events applied (the "model" effect the test counts).</summary>
    [Id(1)] public int Applied { get; set; }
    /// <summary>Per-key sequence number (from the event id "key:seq") of the last applied event.</summary>
    [Id(2)] public long LastSequence { get; set; } = -1;
    /// <summary>Applied events whose sequence was not LastSequence + 1 (a skipped, repeated or reordered event).</summary>
    [Id(3)] public int OutOfOrder { get; set; }
}
