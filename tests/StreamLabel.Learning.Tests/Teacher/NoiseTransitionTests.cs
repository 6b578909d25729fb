using StreamLabel.Learning.Teacher;

namespace StreamLabel.Learning.Tests.Teacher;

/// <summary>The anchor-point estimate recovers a known transition matrix, and inverting it recovers clean probabilities.</summary>
public sealed class NoiseTransitionTests
{
    // Asymmetric on purpose: a transposed estimate or inversion would not pass.
    private static readonly double[,] Known = { { 0.8, 0.2 }, { 0.35, 0.65 } };

    [Fact]
    public void Estimates_the_matrix_from_anchor_rows_and_inverts_it()
    {
        var (clean, noisy, rows) = Posteriors(seed: 3);
        var noise = new NoiseTransition(2);
        Assert.True(noise.Estimate(noisy, rows));
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.InRange(noise.Matrix[i, j], Known[i, j] - 0.03, Known[i, j] + 0.03);
        var recovered = noise.Clean(noisy, rows);
        double worst = 0;
        for (int i = 0; i < recovered.Length; i++) worst = Math.Max(worst, Math.Abs(recovered[i] - clean[i]));
        Assert.True(worst < 0.08, $"largest error of the recovered clean probabilities: {worst}");
        Assert.InRange(noise.NoiseRate, 0.25, 0.30);
    }

    [Fact]
    public void Keeps_the_identity_when_the_noise_would_reach_chance()
    {
        var noise = new NoiseTransition(2);
        var flat = Enumerable.Range(0, 200).SelectMany(_ => new[] { 0.5f, 0.5f }).ToArray();
        Assert.False(noise.Estimate(flat, 200));
        Assert.Equal(0, noise.Estimates);
        Assert.Equal(new[] { 0.3f, 0.7f }, noise.Clean([0.3f, 0.7f], 1));
    }

    [Fact]
    public void Rejects_probabilities_of_the_wrong_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => new NoiseTransition(3).Estimate(new float[10], 4));
        Assert.Equal("noisyProbabilities", e.ParamName);
    }

    // Clean posteriors spread over [0, 1] (many rows near certainty, as a good model has) and p̃ = p·T.
    private static (float[] Clean, float[] Noisy, int Rows) Posteriors(int seed)
    {
        var rng = new Random(seed);
        int rows = 2000;
        var clean = new float[rows * 2];
        var noisy = new float[rows * 2];
        for (int r = 0; r < rows; r++)
        {
            double p0 = Math.Clamp(rng.NextDouble() * 1.2 - 0.1, 0, 1);
            clean[2 * r] = (float)p0; clean[2 * r + 1] = (float)(1 - p0);
            for (int j = 0; j < 2; j++) noisy[2 * r + j] = (float)(p0 * Known[0, j] + (1 - p0) * Known[1, j]);
        }
        return (clean, noisy, rows);
    }
}
