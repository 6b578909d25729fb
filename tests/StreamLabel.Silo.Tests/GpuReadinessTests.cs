using System.Net;
using StreamLabel.Silo.Tests.Support;

namespace StreamLabel.Silo.Tests;

/// <summary>
/// A silo tagged accelerator=gpu without usable CUDA (this machine has no GPU, and the silo ships the CPU build of
/// TorchSharp) must not report ready: otherwise the teachers placed there silently run on its CPU.
/// </summary>
public sealed class GpuReadinessTests
{
    [Fact]
    public async Task A_gpu_silo_without_cuda_is_not_ready_and_says_why()
    {
        await using var silo = SiloProcess.Start("--Orleans:Metadata:accelerator=gpu", "--Replay:Enabled=false");
        var (status, body) = await ReadyOnceStartedAsync(silo);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("accelerator: Unhealthy (accelerator=gpu but CUDA is not available", body);
        Assert.Contains("Health:AllowCpuOnGpuSilo", body);
    }

    [Fact]
    public async Task A_gpu_silo_without_cuda_is_ready_when_cpu_teachers_are_accepted()
    {
        await using var silo = SiloProcess.Start("--Orleans:Metadata:accelerator=gpu", "--Health:AllowCpuOnGpuSilo=true", "--Replay:Enabled=false");
        var (status, body) = await ReadyOnceStartedAsync(silo);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("accelerator: Degraded", body);
    }

    [Fact]
    public async Task A_cpu_silo_is_ready()
    {
        await using var silo = SiloProcess.Start("--Replay:Enabled=false");
        var (status, body) = await ReadyOnceStartedAsync(silo);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("accelerator: Healthy (accelerator=cpu)", body);
    }

    /// <summary>/ready's answer once the silo itself has started (before that it is not ready for that reason alone).</summary>
    private static async Task<(HttpStatusCode, string)> ReadyOnceStartedAsync(SiloProcess silo)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HealthPort}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("/ready");
                var body = await response.Content.ReadAsStringAsync();
                if (body.Contains("silo: Healthy")) return (response.StatusCode, body);
            }
            catch (HttpRequestException) { }
            await Task.Delay(500);
        }
        throw new TimeoutException($"the silo never started; output:\n{silo.Output}");
    }
}
