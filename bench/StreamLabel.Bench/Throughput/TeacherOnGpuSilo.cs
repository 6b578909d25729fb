using StreamLabel.Grains;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// Activates the teacher before any event flows, so it lands on the accelerator=gpu silo as deployed. A silo that just
/// joined may not have the other silos' metadata yet, and with Teacher:Placement:Fallback=AnySilo (the default) the
/// students' first pull would place the teacher on a CPU silo for the whole run; the bench silos run with Refuse, and
/// this retries until placement sees the gpu silo.
/// </summary>
public static class TeacherOnGpuSilo
{
    public const string FallbackSetting = "Teacher:Placement:Fallback";

    public static async Task<TeacherStatus> ActivateAsync(IGrainFactory grains, string group, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var status = await grains.GetGrain<ITeacherGrain>(group).GetStatusAsync();
                if (!status.SiloMetadata.TryGetValue("accelerator", out var a) || a != "gpu")
                    throw new InvalidOperationException($"the teacher '{group}' was placed on {status.Silo} without accelerator=gpu ({FallbackSetting} must be Refuse)");
                return status;
            }
            catch (Exception e) when (e is not InvalidOperationException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500); // placement refused: no silo with accelerator=gpu in this silo's metadata cache yet
            }
        }
    }
}
