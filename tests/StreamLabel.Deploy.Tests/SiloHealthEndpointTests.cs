using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// Runs the silo exactly as the CPU image would (the published output, the image's environment, the embedded broker
/// since no Kafka is configured) and checks that the probe paths the manifests use answer, that the image's HEALTHCHECK
/// command passes against it, and that SIGTERM stops it cleanly.
/// </summary>
[Collection(PublishedImagesCollection.Name)]
public sealed class SiloHealthEndpointTests(PublishedImages images)
{
    [Fact]
    public async Task Probes_and_the_image_health_check_pass_against_the_running_silo_and_fail_once_it_stopped()
    {
        var output = images.OutputOf("silo.Dockerfile");
        var image = Dockerfile.Load("silo.Dockerfile").Final;
        var imagePort = new Uri(image.Environment()["Health__Urls"]).Port;
        int health = FreePort(), silo = FreePort(), gateway = FreePort();

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = output, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(image.ExecForm("ENTRYPOINT")![1]);
        foreach (var (k, v) in image.Environment()) info.Environment[k] = v;
        info.Environment["Health__Urls"] = image.Environment()["Health__Urls"].Replace($":{imagePort}", $":{health}");
        info.Environment["Cluster__SiloPort"] = silo.ToString();
        info.Environment["Cluster__GatewayPort"] = gateway.ToString();
        info.Environment["Replay__Enabled"] = "false";
        using var process = Process.Start(info)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{health}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddMinutes(2);
            HttpStatusCode? ready = null;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try { ready = (await http.GetAsync("/ready")).StatusCode; } catch (HttpRequestException) { }
                if (ready == HttpStatusCode.OK) break;
                await Task.Delay(500);
            }
            Assert.True(ready == HttpStatusCode.OK, $"/ready never answered 200 (last: {ready}); silo output:\n{log}");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/no-such-probe")).StatusCode);

            Assert.Equal(0, RunHealthCheck(image, imagePort, health));

            // SIGTERM, as the kubelet sends it: the host stops the silo and exits 0.
            var term = ProcessRunner.Run("kill", ["-TERM", process.Id.ToString()], output, TimeSpan.FromSeconds(10));
            Assert.Equal(0, term.ExitCode);
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(90)), "the silo did not stop within 90 s of SIGTERM");
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}; silo output:\n{log}");
            Assert.NotEqual(0, RunHealthCheck(image, imagePort, health));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The image's HEALTHCHECK command, with its port moved to where this test's silo listens.</summary>
    private static int RunHealthCheck(DockerStage image, int imagePort, int port)
    {
        var command = image.ExecForm("HEALTHCHECK")!;
        var args = command.Skip(1).Select(a => a.Replace($"/{imagePort} ", $"/{port} ").Replace($"/{imagePort}\n", $"/{port}\n")).ToList();
        Assert.Contains(args, a => a.Contains($"/{port} "));
        return ProcessRunner.Run(command[0], args, Path.GetTempPath(), TimeSpan.FromSeconds(30)).ExitCode;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
