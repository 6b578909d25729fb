namespace StreamLabel.Client.Tests.TestGrains;

/// <summary>
/// A plain-C# online softmax regression, just enough for the test grains to produce honest metrics from real events
/// (the product's learning core is TorchSharp, which the client side must not load).
/// </summary>
public sealed class OnlineSoftmax(int features, int classes, double learningRate)
{
    private readonly double[,] _w = new double[classes, features + 1];

    public double[] Predict(float[] x)
    {
        var z = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            double s = _w[c, features];
            for (int i = 0; i < features; i++) s += _w[c, i] * x[i];
            z[c] = s;
        }
        double max = z.Max(), sum = 0;
        for (int c = 0; c < classes; c++) sum += z[c] = Math.Exp(z[c] - max);
        for (int c = 0; c < classes; c++) z[c] /= sum;
        return z;
    }

    public void Learn(float[] x, int label, double weight)
    {
        var p = Predict(x);
        for (int c = 0; c < classes; c++)
        {
            double g = (p[c] - (c == label ? 1 : 0)) * weight * learningRate;
            for (int i = 0; i < features; i++) _w[c, i] -= g * x[i];
            _w[c, features] -= g;
        }
    }

    public static int ArgMax(double[] p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
