using StreamLabel.Reliability.Tests.Cluster;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>
/// Memory of all silos, summed, at one moment of a soak: resident set (and its anonymous / file-backed parts, from
/// /proc), the GC heap (live bytes after a full collection in each silo, and committed bytes), the C heap (glibc
/// malloc: in use, and free but kept in its arenas) and live TorchSharp tensors (after the collection, and before it).
/// </summary>
internal sealed record MemorySample(double At, long Rss, long RssAnon, long RssFile, long Managed, long GcCommitted,
    long NativeInUse, long NativeFree, long Tensors, long TensorsBeforeGc, bool ServerGc)
{
    public static async Task<MemorySample> TakeAsync(LocalCluster cluster, double at)
    {
        long rss = 0, anon = 0, file = 0, managed = 0, committed = 0, inUse = 0, free = 0, tensors = 0, before = 0;
        bool server = false;
        foreach (var silo in LocalCluster.Silos)
        {
            int pid = cluster.Pid(silo) ?? throw new InvalidOperationException($"{silo} is not running during the soak");
            int port = cluster.HealthPort(silo);
            before += (await SiloProcessStats.DiagnosticsAsync(port, collect: false)).LiveTensors;
            var d = await SiloProcessStats.DiagnosticsAsync(port, collect: true);
            tensors += d.LiveTensors;
            managed += d.ManagedHeapBytes;
            committed += d.GcCommittedBytes;
            inUse += d.NativeInUseBytes ?? 0;
            free += d.NativeFreeBytes ?? 0;
            server = d.ServerGc;
            rss += SiloProcessStats.StatusBytes(pid, "VmRSS");
            anon += SiloProcessStats.StatusBytes(pid, "RssAnon");
            file += SiloProcessStats.StatusBytes(pid, "RssFile");
        }
        return new MemorySample(at, rss, anon, file, managed, committed, inUse, free, tensors, before, server);
    }

    /// <summary>Medians of each figure (a step in flight holds a few temporary tensors and buffers).</summary>
    public static MemorySample Median(IReadOnlyList<MemorySample> samples)
    {
        long M(Func<MemorySample, long> f) => samples.Select(f).Order().ElementAt(samples.Count / 2);
        return new MemorySample(samples[samples.Count / 2].At, M(s => s.Rss), M(s => s.RssAnon), M(s => s.RssFile), M(s => s.Managed),
            M(s => s.GcCommitted), M(s => s.NativeInUse), M(s => s.NativeFree), M(s => s.Tensors), M(s => s.TensorsBeforeGc), samples[0].ServerGc);
    }
}
