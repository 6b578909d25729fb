namespace StreamLabel.Learning.Tests.Support;

/// <summary>Gaussian features; the class is the argmax of a fixed random linear map (learnable, seeded).</summary>
internal sealed class SyntheticStream(int features, int classes, int seed)
{
    private readonly Random _rng = new(seed);
    private readonly double[,] _w = RandomMatrix(features, classes, new Random(seed * 31 + 1));

    public (float[] X, int[] Y) Next(int rows)
    {
        var x = new float[rows * features];
        var y = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < features; j++) x[r * features + j] = (float)Gaussian();
            int best = 0; double bestScore = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                double score = 0;
                for (int j = 0; j < features; j++) score += _w[j, c] * x[r * features + j];
                if (score > bestScore) { bestScore = score; best = c; }
            }
            y[r] = best;
        }
        return (x, y);
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble());

    private static double[,] RandomMatrix(int rows, int cols, Random rng)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i, j] = rng.NextDouble() * 2 - 1;
        return m;
    }
}
