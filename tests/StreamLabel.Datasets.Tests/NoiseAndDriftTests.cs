namespace StreamLabel.Datasets.Tests;

public sealed class NoiseAndDriftTests
{
    private static readonly int[] Clean = Enumerable.Range(0, 20_000).Select(i => i % 4).ToArray();

    [Theory]
    [InlineData(NoiseKind.Symmetric, 0.4)]
    [InlineData(NoiseKind.PairFlip, 0.2)]
    public void Noise_hits_the_requested_rate_and_is_reproducible(NoiseKind kind, double rate)
    {
        var noisy = LabelNoise.Apply(Clean, 4, rate, kind, seed: 3);
        double observed = noisy.Where((y, i) => y != Clean[i]).Count() / (double)Clean.Length;
        Assert.InRange(observed, rate - 0.02, rate + 0.02);
        Assert.Equal(noisy, LabelNoise.Apply(Clean, 4, rate, kind, seed: 3));
        Assert.All(noisy, y => Assert.InRange(y, 0, 3));
        if (kind == NoiseKind.PairFlip)
            Assert.All(noisy.Select((y, i) => (y, c: Clean[i])).Where(p => p.y != p.c), p => Assert.Equal((p.c + 1) % 4, p.y));
    }

    [Fact]
    public void Drift_swaps_the_two_most_frequent_classes_from_the_drift_point()
    {
        int[] labels = [0, 0, 0, 1, 1, 2, 0, 1, 2, 0];
        var (swapped, at) = ConceptDrift.SwapMostFrequent(labels, 3, 0.5);
        Assert.Equal(5, at);
        Assert.Equal([0, 0, 0, 1, 1, 2, 1, 0, 2, 1], swapped);
    }

    [Fact]
    public void A_noisy_stream_keeps_the_truth_apart_from_the_training_labels()
    {
        var data = new LabeledDataset("t", ["x"], ["a", "b"], Clean.Select(y => new float[] { y }).ToArray(), Clean.Select(y => y % 2).ToArray());
        var stream = NoisyStream.Create(data, 0.3, NoiseKind.Symmetric, driftAt: 0.5, seed: 9);
        Assert.Equal(10_000, stream.DriftIndex);
        Assert.Equal(data.Labels[..10_000], stream.Truth[..10_000]);
        Assert.Equal(data.Labels[10_000..].Select(y => 1 - y), stream.Truth[10_000..]);
        Assert.InRange(stream.ObservedNoiseRate, 0.28, 0.32);
    }
}
