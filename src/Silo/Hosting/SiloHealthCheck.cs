using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StreamLabel.Silo.Hosting;

/// <summary>Ready once the host (and so the silo) has started, and until it begins stopping.</summary>
internal sealed class SiloHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("silo is stopping")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy("silo is running")
            : HealthCheckResult.Unhealthy("silo is starting"));
}
