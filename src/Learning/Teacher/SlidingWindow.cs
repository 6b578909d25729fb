using StreamLabel.Learning.Model;

namespace StreamLabel.Learning.Teacher;

/// <summary>
/// The most recent labeled rows, up to <see cref="Capacity"/>, sampled uniformly with replacement. Unlike a
/// <see cref="ReplayBuffer"/> it can be cut back to its newest rows, so that after a detected drift the teacher
/// replays only the new concept.
/// </summary>
public sealed class SlidingWindow
{
    private readonly float[] _features;
    private readonly int[] _labels;
    private int _next;
    private SplitMix64 _rng;

    public SlidingWindow(int capacity, int featureCount, int seed)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be > 0");
        if (featureCount <= 0) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be > 0");
        Capacity = capacity;
        FeatureCount = featureCount;
        _features = new float[capacity * featureCount];
        _labels = new int[capacity];
        _rng = new SplitMix64((ulong)(uint)seed ^ 0x9E3779B97F4A7C15UL);
    }

    public int Capacity { get; }
    public int FeatureCount { get; }
    public int Count { get; private set; }

    /// <summary>Adds the labeled rows (label &gt;= 0); the oldest rows leave when full.</summary>
    public void Add(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels)
    {
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] < 0) continue;
            features.Slice(r * FeatureCount, FeatureCount).CopyTo(_features.AsSpan(_next * FeatureCount, FeatureCount));
            _labels[_next] = labels[r];
            _next = (_next + 1) % Capacity;
            if (Count < Capacity) Count++;
        }
    }

    /// <summary>Forgets all but the newest <paramref name="keep"/> rows.</summary>
    public void CutBack(int keep) => Count = Math.Clamp(keep, 0, Count);

    /// <summary>
    /// Copies <paramref name="rows"/> rows drawn uniformly with replacement from the newest <paramref name="newest"/>
    /// (default: all) into the spans (Count must be &gt; 0).
    /// </summary>
    public void Sample(int rows, Span<float> features, Span<int> labels, int newest = int.MaxValue)
    {
        if (Count == 0) throw new InvalidOperationException("the window is empty");
        int span = Math.Clamp(newest, 1, Count);
        for (int i = 0; i < rows; i++)
        {
            int back = _rng.Next(span); // 0 = newest
            int j = ((_next - 1 - back) % Capacity + Capacity) % Capacity;
            _features.AsSpan(j * FeatureCount, FeatureCount).CopyTo(features.Slice(i * FeatureCount, FeatureCount));
            labels[i] = _labels[j];
        }
    }
}
