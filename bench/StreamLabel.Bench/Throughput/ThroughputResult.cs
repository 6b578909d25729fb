namespace StreamLabel.Bench.Throughput;

/// <summary>What `throughput` reports (also its --json document). Rates in events per second, latencies in ms.</summary>
public sealed record ThroughputResult
{
    public string Machine { get; init; } = "";
    public int Keys { get; init; }
    public int Events { get; init; }
    public int Partitions { get; init; }
    public int Batch { get; init; }
    public int BacklogBatch { get; init; }
    public int Hidden { get; init; }
    public int TorchThreads { get; init; }
    public int Rounds { get; init; }
    public double[] RawConsumerRounds { get; init; } = [];
    public double[] BareTorchSharpRounds { get; init; } = [];
    public double[] EndToEndRounds { get; init; } = [];
    public double RawConsumerEventsPerSecond { get; init; }
    public double BareTorchSharpEventsPerSecond { get; init; }
    public int BareTorchSharpThreads { get; init; }
    public double EndToEndEventsPerSecond { get; init; }
    public double EndToEndSeconds { get; init; }
    public double EndToEndCpuMicrosPerEvent { get; init; }
    public double RawConsumerCpuMicrosPerEvent { get; init; }
    public double BareTorchSharpCpuMicrosPerEvent { get; init; }
    /// <summary>The learning core as one model bank (all keys' steps of a round in one bank step, one thread): same events and steps as bare.</summary>
    public double BareBankEventsPerSecond { get; init; }
    public double BareBankCpuMicrosPerEvent { get; init; }
    public double[] BareBankRounds { get; init; } = [];
    public double MeanRowsPerStep { get; init; }
    public double RatioToRawConsumer { get; init; }
    public double RatioToBareTorchSharp { get; init; }
    /// <summary>End to end ÷ the bare model bank: the math the silo actually runs (students step through the bank).</summary>
    public double RatioToBareBank { get; init; }
    public double? PyTorchEventsPerSecond { get; init; }
    public double? RatioToPyTorch { get; init; }
    public double LatencyRateEventsPerSecond { get; init; }
    public int LatencySamples { get; init; }
    public double P50LatencyMs { get; init; }
    public double P99LatencyMs { get; init; }
    public int IdleStudents { get; init; }
    public int IdleEvents { get; init; } = 1;
    public double ManagedBytesPerStudent { get; init; }
    public double NativeBytesPerStudent { get; init; }
    public double BytesPerStudent { get; init; }
    public double MarginalManagedBytesPerStudent { get; init; }
    public double MarginalNativeBytesPerStudent { get; init; }
    public double MarginalBytesPerStudent { get; init; }
    public double BytesPerDeactivatedStudent { get; init; }
    public int ThreadCount { get; init; }
}
