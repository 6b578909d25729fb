using System.Diagnostics;
using Orleans.Runtime;
using StreamLabel.Grains;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// Memory per idle student: activate M students (each builds its model from the spec and learns one event, so Adam's
/// state exists too), then divide the growth of live managed bytes + native bytes (RSS minus the GC heap's committed
/// bytes) by M. Then deactivate them (what Student:IdleDeactivateAfter does after its idle period; forced here) and
/// measure again: what an idle key still costs the silo once its state is in storage.
/// </summary>
public static partial class IdleStudentMemory
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    public static async Task<(double ManagedBytes, double NativeBytes, double AfterDeactivationBytes)> MeasureAsync(BenchSilo silo, EventProducer producer, string topic, int partitions,
        SyntheticStream stream, int students)
    {
        var (managed0, native0) = Sample();
        var keys = Enumerable.Range(0, students).Select(i => $"idle-{i:D6}").ToArray();
        var idle = new SyntheticStream(students, students, stream.FeatureCount, seed: 11);
        // Rename the keys: one event per idle student.
        for (int i = 0; i < students; i++) idle.KeyNames[i] = keys[i];
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < students; i++) producer.Produce(topic, partitions, idle, i, now);
        producer.Flush();
        await silo.WaitForEventsAsync(keys, students, TimeSpan.FromMinutes(3));
        await Task.Delay(TimeSpan.FromSeconds(3)); // persists and teacher pulls settle
        var (managed1, native1) = Sample();
        double managed = (managed1 - managed0) / (double)students;
        double native = (native1 - native0) / (double)students;

        // In storage: the memory provider here keeps it in this process (counted below); Redis/SQL would not.
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        int left = int.MaxValue;
        for (int attempt = 0; attempt < 20 && left > 16; attempt++)
        {
            await management.ForceActivationCollection(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromSeconds(1));
            left = (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("StudentGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        }
        var (managed2, native2) = Sample();
        Console.WriteLine($"  after deactivation: {(managed2 - managed0) / (double)students:N0} B managed + {(native2 - native0) / (double)students:N0} B native per student; " +
            $"{left} student activations left");
        double after = ((managed2 - managed0) + (native2 - native0)) / (double)students;
        return (managed, Math.Max(0, native), Math.Max(0, after));
    }

    /// <summary>Live managed bytes, and native bytes = resident set minus the GC heap's committed bytes (after glibc hands
    /// freed heap pages back, so freed native memory does not count as used).</summary>
    private static (long Managed, long Native) Sample()
    {
        for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        if (OperatingSystem.IsLinux()) MallocTrim(0);
        long managed = GC.GetTotalMemory(true);
        long committed = GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes;
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return (managed, p.WorkingSet64 - committed);
    }
}
