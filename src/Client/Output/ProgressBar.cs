using System.Diagnostics;

namespace StreamLabel.Client.Output;

/// <summary>A one-line progress bar on stderr (redrawn with \r at most 10 times a second), so stdout stays for results.</summary>
public sealed class ProgressBar(TextWriter output, Stopwatch clock, int width = 30) : IProgress<(long Produced, long Total)>
{
    private TimeSpan? _lastDraw;
    private (long Produced, long Total) _last;

    public void Report((long Produced, long Total) value)
    {
        _last = value;
        if (_lastDraw is { } last && clock.Elapsed - last < TimeSpan.FromMilliseconds(100) && value.Produced < value.Total) return;
        _lastDraw = clock.Elapsed;
        output.Write("\r" + Render(value.Produced, value.Total, clock.Elapsed, width));
    }

    public void Finish()
    {
        output.Write("\r" + Render(_last.Produced, _last.Total, clock.Elapsed, width));
        output.WriteLine();
    }

    public static string Render(long done, long total, TimeSpan elapsed, int width)
    {
        double fraction = total <= 0 ? 1 : Math.Clamp(done / (double)total, 0, 1);
        int filled = (int)Math.Round(fraction * width);
        double rate = done / Math.Max(1e-3, elapsed.TotalSeconds);
        string eta = rate > 0 && done < total ? $" eta {TimeSpan.FromSeconds((total - done) / rate):mm\\:ss}" : "";
        return $"replay [{new string('#', filled)}{new string('.', width - filled)}] {done:N0}/{total:N0} {fraction * 100:F0}% {rate:N0} ev/s{eta}";
    }
}
