using System.Diagnostics;
using StreamLabel.Grains;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// Memory per idle student: activate M students (each builds its model from the spec and learns one event, so Adam's
/// state exists too), then divide the growth of managed heap + native (RSS minus managed) memory by M.
/// </summary>
public static class IdleStudentMemory
{
    public static async Task<(double ManagedBytes, double NativeBytes)> MeasureAsync(BenchSilo silo, EventProducer producer, string topic, int partitions,
        SyntheticStream stream, int students)
    {
        var (managed0, rss0) = Sample();
        var keys = Enumerable.Range(0, students).Select(i => $"idle-{i:D6}").ToArray();
        var idle = new SyntheticStream(students, students, stream.FeatureCount, seed: 11);
        // Rename the keys: one event per idle student.
        for (int i = 0; i < students; i++) idle.KeyNames[i] = keys[i];
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < students; i++) producer.Produce(topic, partitions, idle, i, now);
        producer.Flush();
        await silo.WaitForEventsAsync(keys, students, TimeSpan.FromMinutes(3));
        await Task.Delay(TimeSpan.FromSeconds(3)); // persists and teacher pulls settle
        var (managed1, rss1) = Sample();
        double managed = (managed1 - managed0) / (double)students;
        double native = ((rss1 - managed1) - (rss0 - managed0)) / (double)students;
        return (managed, Math.Max(0, native));
    }

    private static (long Managed, long Rss) Sample()
    {
        for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        long managed = GC.GetTotalMemory(true);
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return (managed, p.WorkingSet64);
    }
}
