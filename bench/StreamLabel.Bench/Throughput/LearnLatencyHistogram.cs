using System.Globalization;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// Produce→learned latency of silos in other processes: the cumulative buckets of their Prometheus histogram
/// streamlabel_student_learn_latency_milliseconds, summed over silos. A difference of two scrapes is the window
/// between them; quantiles are interpolated inside a bucket, so they are as coarse as the bucket bounds.
/// </summary>
public sealed class LearnLatencyHistogram
{
    private const string Bucket = "streamlabel_student_learn_latency_milliseconds_bucket";
    private readonly SortedDictionary<double, double> _cumulative = [];

    public static async Task<LearnLatencyHistogram> ScrapeAsync(HttpClient http, IEnumerable<string> metricsUrls)
    {
        var h = new LearnLatencyHistogram();
        foreach (string url in metricsUrls)
        {
            foreach (string line in (await http.GetStringAsync(url)).Split('\n'))
            {
                if (!line.StartsWith(Bucket, StringComparison.Ordinal)) continue;
                int le = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
                string bound = line[le..line.IndexOf('"', le)];
                double upper = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
                double count = double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                h._cumulative[upper] = h._cumulative.GetValueOrDefault(upper) + count;
            }
        }
        return h;
    }

    /// <summary>Events recorded between <paramref name="before"/> and this scrape, per bucket.</summary>
    public LearnLatencyHistogram Since(LearnLatencyHistogram before)
    {
        var d = new LearnLatencyHistogram();
        foreach (var (upper, count) in _cumulative) d._cumulative[upper] = count - before._cumulative.GetValueOrDefault(upper);
        return d;
    }

    public double Count => _cumulative.Count == 0 ? 0 : _cumulative.Values.Last();

    /// <summary>The q-quantile in ms, linear inside its bucket; NaN without samples.</summary>
    public double Quantile(double q)
    {
        double total = Count, target = q * total, lower = 0, below = 0;
        if (total <= 0) return double.NaN;
        foreach (var (upper, count) in _cumulative)
        {
            if (count >= target)
                return double.IsPositiveInfinity(upper) ? lower : lower + (upper - lower) * (target - below) / Math.Max(1, count - below);
            (lower, below) = (upper, count);
        }
        return lower;
    }
}
