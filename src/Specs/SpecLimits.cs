namespace StreamLabel.Specs;

/// <summary>
/// Upper bounds of a model's shape. A spec is operator input and a snapshot or checkpoint is a file: both are checked
/// against these before anything is allocated, so a typo or a damaged file is an error naming the field, not a silo
/// that runs out of memory or a key whose grain can never be built.
/// </summary>
public static class SpecLimits
{
    /// <summary>Most input features: 65536 (Kafka:MaxFeatures' default).</summary>
    public const int MaxFeatureCount = 65_536;

    /// <summary>Most classes: 1024.</summary>
    public const int MaxClassCount = 1_024;

    /// <summary>Longest class name: 256 characters (a name is in every prediction record).</summary>
    public const int MaxClassNameLength = 256;

    /// <summary>Most hidden layers: 8.</summary>
    public const int MaxHiddenLayers = 8;

    /// <summary>Widest hidden layer: 4096.</summary>
    public const int MaxHiddenWidth = 4_096;

    /// <summary>Most weights and biases of one model: 16,777,216 (64 MiB of floats, and Adam keeps two more copies);
    /// a student is one of many on a silo.</summary>
    public const long MaxParameters = 1L << 24;

    /// <summary>Longest drift-challenger horizon: 10,000,000 labeled events.</summary>
    public const int MaxDriftChallengerEvents = 10_000_000;

    /// <summary>Weights and biases of an MLP of this shape (fan-in + 1 per unit, layer by layer).</summary>
    public static long Parameters(int featureCount, IReadOnlyList<int> hiddenLayers, int classCount)
    {
        long total = 0, fanIn = featureCount;
        foreach (int width in hiddenLayers.Append(classCount))
        {
            total += (fanIn + 1) * width;
            fanIn = width;
        }
        return total;
    }
}
