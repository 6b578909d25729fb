using System.Diagnostics;
using Orleans.Runtime;
using StreamLabel.Grains;
using StreamLabel.Grains.Telemetry;

namespace StreamLabel.Bench.Throughput;

/// <summary>What M idle students cost the silo, bytes per student.</summary>
/// <param name="Managed">Live managed growth over all M students, divided by M.</param>
/// <param name="Native">Malloc-heap growth over all M, divided by M: it includes the process's one-time growth while they
/// arrive (code the JIT compiles for the paths they take first, per-thread arenas), which is no student's.</param>
/// <param name="MarginalManaged">Managed growth of the second M/2 students alone, divided by M/2: what one more costs.</param>
/// <param name="MarginalNative">Native growth of the second M/2 students alone, divided by M/2 (the model bank, which
/// doubles its slots when full, doubles about once while the students double, so this holds its amortized cost).</param>
/// <param name="AfterDeactivation">Managed + native growth over all M once they are deactivated, divided by M.</param>
public sealed record IdleStudentBytes(double Managed, double Native, double MarginalManaged, double MarginalNative, double AfterDeactivation)
{
    public double Total => Managed + Native;
    public double Marginal => MarginalManaged + MarginalNative;

    /// <summary>The line the bench prints for it.</summary>
    public string Describe(int eventsEach) =>
        $"idle student ({eventsEach} event{(eventsEach == 1 ? "" : "s")} each): {Marginal:N0} B each beyond the first half ({MarginalManaged:N0} managed + {MarginalNative:N0} native); " +
        $"all of them: {Managed:N0} B managed + {Native:N0} B native = {Total:N0} B; {AfterDeactivation:N0} B once deactivated (state in memory storage)";
}

/// <summary>
/// Memory per idle student: activate M students (each builds its model from the spec and learns one event, or N with
/// --idle-events, so Adam's state exists too), in two halves, and divide the growth of live managed bytes + native bytes
/// (the malloc heap in use: libtorch's tensors, librdkafka's buffers) by the students that caused it: over all M, and
/// over the second half alone, which the process's one-time growth no longer reaches. Then deactivate them (what
/// Student:IdleDeactivateAfter does after its idle period; forced here) and measure again: what an idle key still costs
/// the silo once its state is in storage.
/// </summary>
public static class IdleStudentMemory
{

    public static async Task<IdleStudentBytes> MeasureAsync(BenchSilo silo, EventProducer producer, string topic, int partitions,
        SyntheticStream stream, int students, int holdSeconds = 0, int eventsEach = 1)
    {
        // Baseline once memory is steady: an earlier silo of the same process may still be releasing its activations,
        // consumers and tensors, which would be subtracted from the students' growth.
        var (managed0, native0) = Sample();
        for (int i = 0, steady = 0; i < 20 && steady < 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var (m, n) = Sample();
            steady = Math.Abs(m + n - managed0 - native0) < 64 * 1024 ? steady + 1 : 0; // three steady seconds in a row
            (managed0, native0) = (m, n);
        }
        var keys = Enumerable.Range(0, students).Select(i => $"idle-{i:D6}").ToArray();
        // Rename the keys; eventsEach events per idle student, dealt round-robin within each half.
        int half = students / 2;
        await ActivateAsync(silo, producer, topic, partitions, keys[..half], stream.FeatureCount, eventsEach, seed: 11);
        var (managedHalf, nativeHalf) = Sample();
        await ActivateAsync(silo, producer, topic, partitions, keys[half..], stream.FeatureCount, eventsEach, seed: 12);
        var (managed1, native1) = Sample();
        double managed = (managed1 - managed0) / (double)students;
        double native = (native1 - native0) / (double)students;
        double marginalManaged = (managed1 - managedHalf) / (double)(students - half);
        double marginalNative = (native1 - nativeHalf) / (double)(students - half);
        if (holdSeconds > 0)
        {
            Console.WriteLine($"  {students} idle students active: {managed:N0} B managed + {native:N0} B native each; holding {holdSeconds} s (process {Environment.ProcessId}, e.g. dotnet-gcdump collect -p)");
            await Task.Delay(TimeSpan.FromSeconds(holdSeconds));
        }

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
        return new IdleStudentBytes(managed, native, marginalManaged, marginalNative, after);
    }

    private static async Task ActivateAsync(BenchSilo silo, EventProducer producer, string topic, int partitions, string[] keys,
        int featureCount, int eventsEach, int seed)
    {
        var idle = new SyntheticStream(keys.Length * eventsEach, keys.Length, featureCount, seed);
        for (int i = 0; i < keys.Length; i++) idle.KeyNames[i] = keys[i];
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < idle.Count; i++) producer.Produce(topic, partitions, idle, i, now);
        producer.Flush();
        await silo.WaitForEventsAsync(keys, idle.Count, TimeSpan.FromMinutes(3 + idle.Count / 20_000));
        // Persists and teacher pulls settle; busier students have more pulls queued at their teacher.
        await Task.Delay(TimeSpan.FromSeconds(eventsEach == 1 ? 3 : 10));
    }

    /// <summary>Live managed bytes, and native bytes in use on the malloc heap (glibc's mallinfo2; on other C libraries:
    /// resident set minus the GC heap's committed bytes, which is noisier).</summary>
    internal static (long Managed, long Native) Sample()
    {
        for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        long managed = GC.GetTotalMemory(true);
        // The GC does not allocate through malloc, libtorch's CPU allocator and librdkafka do: the native heap, whatever the GC mode.
        if (NativeHeap.Read() is { } heap) return (managed, heap.InUseBytes);
        NativeHeap.Trim();
        long committed = GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes;
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return (managed, p.WorkingSet64 - committed);
    }
}
