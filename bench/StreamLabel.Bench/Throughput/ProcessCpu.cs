namespace StreamLabel.Bench.Throughput;

/// <summary>CPU time of other processes from /proc/PID/stat (user + system), so a multi-process run can sum what every
/// process of the cluster spent in a window.</summary>
public static class ProcessCpu
{
    /// <summary>Clock ticks per second of /proc's times (USER_HZ): 100 on every Linux architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds the process has used, or 0 once it is gone.</summary>
    public static double Seconds(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return 0; }
        // Fields after the command name (which may hold spaces, so split after its closing parenthesis): state is
        // field 3, utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Busy (non-idle, non-iowait) and total ticks of each core from /proc/stat, cpu0 first.</summary>
    public static (long Busy, long Total)[] Cores()
    {
        try
        {
            return File.ReadLines("/proc/stat").Where(l => l.StartsWith("cpu", StringComparison.Ordinal) && char.IsDigit(l[3]))
                .Select(l =>
                {
                    var t = l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
                    long total = t.Take(8).Sum(), idle = t[3] + t[4];
                    return (total - idle, total);
                }).ToArray();
        }
        catch (IOException) { return []; }
    }

    /// <summary>"core 0 98 %, core 1 61 %": how busy each core was between two <see cref="Cores"/> readings.</summary>
    public static string CoreBusy((long Busy, long Total)[] before, (long Busy, long Total)[] after) =>
        string.Join(", ", after.Zip(before).Select((x, i) => $"core {i} {100.0 * (x.First.Busy - x.Second.Busy) / Math.Max(1, x.First.Total - x.Second.Total):F0} %"));

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
