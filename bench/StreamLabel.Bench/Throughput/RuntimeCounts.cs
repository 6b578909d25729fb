using System.Text.RegularExpressions;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// Counts of the process taken at the start and end of a measured window, to compare builds by work done and by where
/// the CPU goes rather than by time alone (time swings with the machine's load): thread-pool work items, lock
/// contentions, methods JIT-compiled (a window that still compiles measures warm-up, not the steady state), and per thread (from /proc/self/task, Linux only) CPU time and context switches, summed by thread name
/// (the digits of a name dropped, so a pool's threads add up). A thread that exits within the window is left out.
/// </summary>
public sealed partial record RuntimeCounts(long WorkItems, long LockContentions, long JitMethods, TimeSpan JitTime, Dictionary<string, RuntimeCounts.Thread> Threads)
{
    /// <param name="Name">The thread's name, digits replaced by #.</param>
    /// <param name="CpuSeconds">Time on a CPU (schedstat).</param>
    /// <param name="Switches">Voluntary plus involuntary context switches.</param>
    public sealed record Thread(string Name, double CpuSeconds, long Switches);

    public static RuntimeCounts Take()
    {
        var threads = new Dictionary<string, Thread>(StringComparer.Ordinal);
        if (OperatingSystem.IsLinux())
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    string name = Digits().Replace(File.ReadAllText(Path.Combine(task, "comm")).Trim(), "#");
                    double seconds = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0]) / 1e9;
                    long switches = 0;
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                            switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim());
                    threads[Path.GetFileName(task)] = new Thread(name, seconds, switches);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { } // the thread exited
            }
        return new RuntimeCounts(ThreadPool.CompletedWorkItemCount, Monitor.LockContentionCount,
            System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime(), threads);
    }

    /// <summary>Per-event figures of the window from <paramref name="start"/> to this snapshot: counts, then CPU µs and
    /// context switches per event by thread name, most CPU first.</summary>
    public IEnumerable<string> Describe(RuntimeCounts start, long events)
    {
        var byName = new Dictionary<string, (double Cpu, long Switches)>(StringComparer.Ordinal);
        foreach (var (id, t) in Threads)
        {
            var before = start.Threads.GetValueOrDefault(id);
            var (cpu, switches) = byName.GetValueOrDefault(t.Name);
            byName[t.Name] = (cpu + t.CpuSeconds - (before?.CpuSeconds ?? 0), switches + t.Switches - (before?.Switches ?? 0));
        }
        yield return $"per 1000 events: {(WorkItems - start.WorkItems) * 1000.0 / events:F1} thread-pool work items, {(LockContentions - start.LockContentions) * 1000.0 / events:F2} lock contentions, " +
            $"{byName.Values.Sum(x => x.Switches) * 1000.0 / events:F1} context switches; {JitMethods - start.JitMethods} methods JIT-compiled in the window " +
            $"({(JitTime - start.JitTime).TotalMilliseconds:F0} ms of compiling: tier 0, tier 1 and OSR)";
        foreach (var (name, (cpu, switches)) in byName.Where(x => x.Value.Cpu > 0).OrderByDescending(x => x.Value.Cpu))
            yield return $"{cpu * 1e6 / events,7:F2} us CPU/event  {switches * 1000.0 / events,7:F1} switches/1000 events  {name}";
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
