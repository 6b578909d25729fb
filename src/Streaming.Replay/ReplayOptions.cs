using StreamLabel.Datasets;

namespace StreamLabel.Streaming.Replay;

/// <summary>How a dataset is replayed into Kafka.</summary>
public sealed record ReplayOptions
{
    /// <summary>Topic to produce into. Default "events".</summary>
    public string Topic { get; init; } = "events";
    /// <summary>One model key for every row (default "default"), unless <see cref="KeyColumn"/> names a column.</summary>
    public string Key { get; init; } = "default";
    /// <summary>When set, the key of each row is this feature column's value (the column is then not a feature).</summary>
    public string? KeyColumn { get; init; }
    /// <summary>Probability that a training label is corrupted. Default 0.</summary>
    public double Noise { get; init; }
    public NoiseKind NoiseKind { get; init; } = NoiseKind.Symmetric;
    /// <summary>Fraction of the stream after which the two most frequent classes swap (a real drift). Default none.</summary>
    public double? DriftAt { get; init; }
    /// <summary>Events per second; 0 = as fast as the broker takes them. Default 0.</summary>
    public double Rate { get; init; }
    /// <summary>Fraction of events sent without a label, drawn per event (its own generator: the noise draws stay those of
    /// <see cref="Seed"/>); students predict those and publish the predictions. Default 0.</summary>
    public double Unlabeled { get; init; }
    /// <summary>Stop after this many events; 0 = the whole dataset. Default 0.</summary>
    public long MaxEvents { get; init; }
    public int Seed { get; init; } = 1;
}
