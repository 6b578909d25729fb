namespace StreamLabel.Bench.Throughput;

/// <summary>What `throughput --multi-silo` reports (also its --json document). Rates in events per second.</summary>
public sealed record MultiSiloResult
{
    public string Machine { get; init; } = "";
    public string Settings { get; init; } = "";
    public string Pinning { get; init; } = "";
    public int Events { get; init; }
    public int Keys { get; init; }
    public int Partitions { get; init; }
    public int Rounds { get; init; }
    public List<MultiSiloConfiguration> Configurations { get; init; } = [];
    /// <summary>Median rate of the largest silo count ÷ that of the smallest.</summary>
    public double Speedup { get; init; }
}

/// <summary>One silo count: every round's rate and CPU, their medians, and the latency run at half the median rate.</summary>
public sealed record MultiSiloConfiguration
{
    public int Silos { get; init; }
    public string Cores { get; init; } = "";
    public double[] EventsPerSecondRounds { get; init; } = [];
    public double[] ProducerEventsPerSecondRounds { get; init; } = [];
    public double[] ClusterCpuMicrosPerEventRounds { get; init; } = [];
    /// <summary>CPU µs per event of each process in each round ("silo-gpu 9.1, silo-cpu-1 7.7, broker 3.0, ...").</summary>
    public string[] CpuByProcessRounds { get; init; } = [];
    /// <summary>How busy each core was in each round (/proc/stat, every process on the machine).</summary>
    public string[] CoreBusyRounds { get; init; } = [];
    public double EventsPerSecond { get; init; }
    /// <summary>A plain Confluent.Kafka consumer in this process reading the round's number of events from the same topic
    /// and broker, after each round (the ceiling of ingestion, as in the single-process bench).</summary>
    public double[] RawConsumerEventsPerSecondRounds { get; init; } = [];
    public double[] RawConsumerCpuMicrosPerEventRounds { get; init; } = [];
    public double RawConsumerEventsPerSecond { get; init; }
    public double RawConsumerCpuMicrosPerEvent { get; init; }
    /// <summary>End to end ÷ raw consumer (medians).</summary>
    public double RatioToRawConsumer { get; init; }
    /// <summary>CPU of every cluster process (silos, teacher silo, broker, redis) over the measured window, per event.</summary>
    public double ClusterCpuMicrosPerEvent { get; init; }
    /// <summary>CPU of the student silos alone, per event (median).</summary>
    public double SiloCpuMicrosPerEvent { get; init; }
    /// <summary>CPU of this bench process (the producer and the metric polls), per event (median).</summary>
    public double BenchCpuMicrosPerEvent { get; init; }
    public double LatencyRateEventsPerSecond { get; init; }
    public double P50LatencyMs { get; init; }
    public double P99LatencyMs { get; init; }
    public double LatencyClusterCpuMicrosPerEvent { get; init; }
    /// <summary>Where the students were active after the warm-up round, e.g. "silo-cpu-1: 8, silo-gpu: 8".</summary>
    public string StudentsPerSilo { get; init; } = "";
    public string TeacherSilo { get; init; } = "";
    public string LoadAverageStart { get; init; } = "";
    public string LoadAverageEnd { get; init; } = "";
}
