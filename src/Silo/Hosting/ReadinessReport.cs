using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StreamLabel.Silo.Hosting;

/// <summary>/ready's body: one line per check with its status and reason, so a probe failure in `kubectl describe`
/// or a curl says why (the default body is only the overall status).</summary>
internal static class ReadinessReport
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        var lines = report.Entries.Select(e => $"{e.Key}: {e.Value.Status} ({e.Value.Description})");
        return http.Response.WriteAsync($"{report.Status}\n{string.Join('\n', lines)}\n");
    }
}
