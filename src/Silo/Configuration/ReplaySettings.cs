namespace StreamLabel.Silo.Configuration;

/// <summary>
/// Configuration section "Replay": the embedded demo job that replays a bundled dataset into the broker.
/// Enabled by default only when the embedded broker is in use.
/// </summary>
public sealed class ReplaySettings
{
    public const string Section = "Replay";

    /// <summary>true/false; unset = on with the embedded broker, off with a real one.</summary>
    public bool? Enabled { get; set; }
    /// <summary>Dataset to replay (CSV or CSV.gz). Default: the bundled Elec2 stream.</summary>
    public string Dataset { get; set; } = Path.Combine(AppContext.BaseDirectory, "data", "elec2.csv.gz");
    /// <summary>Label column name or index (-1 = last). Default -1.</summary>
    public string LabelColumn { get; set; } = "-1";
    /// <summary>Model key of every replayed event. Default "elec2".</summary>
    public string Key { get; set; } = "elec2";
    /// <summary>Injected training-label noise rate. Default 0.2.</summary>
    public double Noise { get; set; } = 0.2;
    /// <summary>symmetric | pairflip. Default symmetric.</summary>
    public string NoiseKind { get; set; } = "symmetric";
    /// <summary>Fraction of the stream where the two most frequent classes swap; unset = no drift.</summary>
    public double? DriftAt { get; set; }
    /// <summary>Events per second; 0 = as fast as possible. Default 0.</summary>
    public double Rate { get; set; }
    /// <summary>Stop after this many events (0 = whole dataset), then exit. Default 0.</summary>
    public long Events { get; set; }
    /// <summary>Exit when the replay is done and processed. Default true.</summary>
    public bool ExitWhenDone { get; set; } = true;
    public int Seed { get; set; } = 1;
}
