namespace StreamLabel.Learning.Model;

/// <summary>
/// A tiny seeded generator (SplitMix64) whose whole state is one ulong, so it can be snapshotted: used for weight
/// initialization and replay sampling, never the process-global torch generator.
/// </summary>
public struct SplitMix64(ulong state)
{
    public ulong State = state;

    public ulong NextUInt64()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => (int)(NextDouble() * n);
}
