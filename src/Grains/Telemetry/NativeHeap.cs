using System.Runtime.InteropServices;

namespace StreamLabel.Grains.Telemetry;

/// <summary>
/// The C heap (glibc malloc) as glibc sees it: what libtorch's CPU allocator and librdkafka hold, apart from the GC heap.
/// Growth of <see cref="Sample.InUseBytes"/> is a native leak; growth of <see cref="Sample.FreeBytes"/> alone is memory
/// malloc keeps in its arenas after frees (fragmentation, one arena per thread that allocated), not a leak.
/// Read by the silo's /diagnostics and by the bench's memory-per-student measure.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>In use (uordblks + hblkhd), free but kept in the arenas (fordblks), and taken from the system (arena + hblkhd), bytes.</summary>
    public sealed record Sample(long InUseBytes, long FreeBytes, long SystemBytes);

    // glibc's struct mallinfo2 (sums over all arenas; size_t fields).
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 MallInfo();

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>The figures, or null where the C library is not glibc (2.33+).</summary>
    public static Sample? Read()
    {
        try
        {
            var i = MallInfo();
            return new Sample((long)(i.UordBlks + i.HBlkHd), (long)i.FordBlks, (long)(i.Arena + i.HBlkHd));
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return null; }
    }

    /// <summary>Returns free arena memory to the system (glibc malloc_trim); false where unavailable.</summary>
    public static bool Trim()
    {
        try { _ = MallocTrim(0); return true; } // its result only says whether memory was released
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return false; }
    }
}
