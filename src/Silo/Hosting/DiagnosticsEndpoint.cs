using System.Diagnostics;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// `GET /diagnostics` on the health port: process figures a leak shows up in, for soak runs and operators.
/// TorchSharp's live tensor count is process-wide (created minus disposed) and only visible inside the process.
/// `?collect=true` first runs a full garbage collection and the finalizers, so tensors that were dropped without
/// Dispose stop counting: what remains is what the process really holds (costly; for diagnosis, not for probes).
/// </summary>
internal static class DiagnosticsEndpoint
{
    public static void MapDiagnostics(this WebApplication app) => app.MapGet("/diagnostics", (bool? collect) =>
    {
        if (collect == true)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        using var process = Process.GetCurrentProcess();
        return Results.Json(new SiloDiagnostics(
            TorchSharp.torch.Tensor.TotalCount,
            TorchSharp.torch.Tensor.PeakCount,
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            Environment.ProcessId));
    });
}

/// <summary>Live tensors (created − disposed), their peak, resident set bytes, managed heap bytes, and the pid.</summary>
internal sealed record SiloDiagnostics(long LiveTensors, long PeakTensors, long WorkingSetBytes, long ManagedHeapBytes, int ProcessId);
