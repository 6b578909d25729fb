using System.Diagnostics;
using System.Reflection;
using StreamLabel.Silo.Tests.Support;

namespace StreamLabel.Silo.Tests;

/// <summary>
/// Cluster:Tls: a silo with mutual TLS answers the real `streamlabel` client only when the client presents a certificate
/// from the cluster's CA; without TLS, or with another CA's certificate, the client cannot call a grain.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly TestCertificates _cluster = new("cluster");
    private readonly TestCertificates _stranger = new("stranger");

    [Fact]
    public async Task A_client_with_a_certificate_from_the_cluster_ca_connects_and_others_cannot()
    {
        var (siloCert, siloKey) = _cluster.Issue("silo");
        await using var silo = SiloProcess.Start("--Replay:Enabled=false",
            $"--Cluster:Tls:CertificatePath={siloCert}", $"--Cluster:Tls:KeyPath={siloKey}", $"--Cluster:Tls:CaPath={_cluster.CaPath}");

        var (clientCert, clientKey) = _cluster.Issue("operator");
        var trusted = await StatusAsync(silo, Tls(clientCert, clientKey, _cluster.CaPath), expectSuccess: true);
        Assert.True(trusted.ExitCode == 0, $"client with the cluster's certificate: exit {trusted.ExitCode}\n{trusted.Output}\nsilo:\n{silo.Output}");
        Assert.Contains("\"silos\"", trusted.Output);

        var plain = await StatusAsync(silo, [], expectSuccess: false);
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains("cannot connect to the cluster", plain.Output);

        var (strangerCert, strangerKey) = _stranger.Issue("intruder");
        var intruder = await StatusAsync(silo, Tls(strangerCert, strangerKey, _cluster.CaPath), expectSuccess: false);
        Assert.Equal(1, intruder.ExitCode);
        Assert.Contains("cannot connect to the cluster", intruder.Output);
    }

    [Fact]
    public async Task A_silo_with_an_incomplete_tls_configuration_fails_naming_the_missing_option()
    {
        var (siloCert, _) = _cluster.Issue("silo");
        await using var silo = SiloProcess.Start("--Replay:Enabled=false", $"--Cluster:Tls:CertificatePath={siloCert}");
        var exited = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exited == 1, $"exit {exited}\n{silo.Output}");
        Assert.Contains("Cluster:Tls:KeyPath is required when TLS is on", silo.Output);
        Assert.Contains("Cluster:Tls:CaPath is required when TLS is on", silo.Output);
    }

    private static Dictionary<string, string> Tls(string certificate, string key, string ca) => new()
    {
        ["Cluster__Tls__CertificatePath"] = certificate,
        ["Cluster__Tls__KeyPath"] = key,
        ["Cluster__Tls__CaPath"] = ca,
    };

    /// <summary>`streamlabel status --json` against the silo's gateway; retried while the silo is still starting when success is expected.</summary>
    private static async Task<(int ExitCode, string Output)> StatusAsync(SiloProcess silo, Dictionary<string, string> environment, bool expectSuccess)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var result = await RunClientAsync(environment, "status", "--json", "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--timeout", "5");
            if (result.ExitCode == 0 || !expectSuccess || DateTime.UtcNow > deadline) return result;
            await Task.Delay(1000);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunClientAsync(Dictionary<string, string> environment, params string[] args)
    {
        var dir = typeof(ClusterTlsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ClientOutputDir").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.ArgumentList.Add(Path.Combine(dir, "streamlabel.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _stranger.Dispose();
    }
}
