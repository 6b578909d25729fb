using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// A silo that advertises accelerator=gpu attracts every teacher; if CUDA is not usable there (no driver, no device, a
/// CPU-only TorchSharp build) the teachers would silently run on its CPU. Such a silo reports not ready, so the
/// rollout stops and an operator looks, unless CPU teachers were explicitly accepted (Health:AllowCpuOnGpuSilo).
/// </summary>
internal sealed class AcceleratorHealthCheck(string? accelerator, bool allowCpu, Func<bool> cudaAvailable) : IHealthCheck
{
    private readonly Lazy<bool> _cuda = new(cudaAvailable);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(accelerator, "gpu", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(HealthCheckResult.Healthy($"accelerator={accelerator ?? "cpu"}"));
        if (_cuda.Value) return Task.FromResult(HealthCheckResult.Healthy("accelerator=gpu, CUDA available"));
        return Task.FromResult(allowCpu
            ? HealthCheckResult.Degraded("accelerator=gpu but CUDA is not available: teachers run on the CPU (Health:AllowCpuOnGpuSilo=true)")
            : HealthCheckResult.Unhealthy("accelerator=gpu but CUDA is not available to TorchSharp: teachers would run on the CPU. " +
                "Fix the node's driver/device plugin, or set Health:AllowCpuOnGpuSilo=true to accept CPU teachers"));
    }
}
