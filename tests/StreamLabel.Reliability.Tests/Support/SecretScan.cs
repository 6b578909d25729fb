using System.Net.Http;
using StreamLabel.Reliability.Tests.Cluster;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>
/// Searches everything the cluster's processes wrote (the launcher's logs: redis, broker, silos, dashboard) and what the
/// silos serve on /diagnostics for secret values. Returns the sizes scanned, for the report.
/// </summary>
internal static class SecretScan
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<(int Sources, long Characters)> AssertNotExposedAsync(LocalCluster cluster, IReadOnlyCollection<string> secrets,
        params (string Name, string Text)[] more)
    {
        var sources = cluster.Logs().Concat(more).ToList();
        foreach (var silo in LocalCluster.Silos)
            if (cluster.Pid(silo) is not null)
                sources.Add(($"{silo} /diagnostics", await Http.GetStringAsync($"http://127.0.0.1:{cluster.HealthPort(silo)}/diagnostics")));
        foreach (var (name, text) in sources)
            foreach (var secret in secrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{name} contains the secret '{secret}'");
        return (sources.Count, sources.Sum(s => (long)s.Text.Length));
    }
}
