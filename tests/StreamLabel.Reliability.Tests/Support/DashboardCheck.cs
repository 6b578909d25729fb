using System.Text.Json;
using StreamLabel.Reliability.Tests.Cluster;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>What the launcher's dashboard process (`streamlabel dashboard`, when the client has it) shows.</summary>
internal static class DashboardCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Asserts the dashboard's /api/teachers lists the group on a silo with the given accelerator metadata.</summary>
    public static async Task TeacherShownOnAsync(ClusterFixture fixture, ReliabilityResults results, string group, string accelerator)
    {
        if (fixture.Cluster.Pid("dashboard") is null)
        {
            results.Note("the launcher started no dashboard (this build has no `streamlabel dashboard`): dashboard check not run");
            return;
        }
        string url = $"http://127.0.0.1:{fixture.Cluster.DashboardPort}/api/teachers";
        string? shown = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var doc = JsonDocument.Parse(await Http.GetStringAsync(url));
            var entry = doc.RootElement.EnumerateArray().FirstOrDefault(t => t.GetProperty("group").GetString() == group);
            shown = entry.ValueKind == JsonValueKind.Object && entry.GetProperty("siloMetadata").TryGetProperty("accelerator", out var a)
                ? a.GetString() : null;
            if (shown == accelerator || DateTime.UtcNow > deadline) break;
            await Task.Delay(500);
        }
        results.Note($"dashboard {url}: teacher '{group}' shown on a silo with accelerator={shown}");
        Assert.Equal(accelerator, shown);
    }
}
