using StreamLabel.Grains.Telemetry;
using System.Diagnostics;
using System.Runtime;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// `GET /diagnostics` on the health port: process figures a leak shows up in, for soak runs and operators.
/// TorchSharp's live tensor count is process-wide (created minus disposed) and only visible inside the process.
/// `?collect=true` first runs a full garbage collection and the finalizers, so tensors that were dropped without
/// Dispose stop counting: what remains is what the process really holds (costly; for diagnosis, not for probes).
/// Callers other than loopback need Health:DiagnosticsToken (<see cref="DiagnosticsAccess"/>).
/// `?trim=true` then hands malloc's free arena memory back to the system (glibc malloc_trim), to tell retained free
/// memory from memory in use. Resident memory splits into the GC heap (managed, committed), the C heap (libtorch,
/// librdkafka: in use, free in arenas) and the rest (code, stacks, mapped files).
/// </summary>
internal static class DiagnosticsEndpoint
{
    public static void MapDiagnostics(this WebApplication app, string? token) => app.MapGet("/diagnostics", (HttpContext http, bool? collect, bool? trim) =>
    {
        if (!DiagnosticsAccess.Allows(http.Connection.RemoteIpAddress, http.Request.Headers.Authorization, token))
            return Results.Problem("/diagnostics answers loopback callers, and others with 'Authorization: Bearer' and Health:DiagnosticsToken",
                statusCode: StatusCodes.Status403Forbidden);
        if (collect == true)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        if (trim == true) NativeHeap.Trim();
        using var process = Process.GetCurrentProcess();
        var native = NativeHeap.Read();
        return Results.Json(new SiloDiagnostics(
            TorchSharp.torch.Tensor.TotalCount,
            TorchSharp.torch.Tensor.PeakCount,
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes,
            native?.InUseBytes,
            native?.FreeBytes,
            GCSettings.IsServerGC,
            Environment.ProcessId));
    });
}

/// <summary>Live tensors (created − disposed), their peak, resident set bytes, managed heap bytes (live objects after a
/// collect), GC committed bytes, C heap bytes in use and free in malloc's arenas (null off glibc), server GC or not, and the pid.</summary>
internal sealed record SiloDiagnostics(long LiveTensors, long PeakTensors, long WorkingSetBytes, long ManagedHeapBytes,
    long GcCommittedBytes, long? NativeInUseBytes, long? NativeFreeBytes, bool ServerGc, int ProcessId);
