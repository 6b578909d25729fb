using System.Diagnostics;
using StreamLabel.Client.Tests.Infrastructure;

namespace StreamLabel.Client.Tests;

/// <summary>
/// `streamlabel dashboard` as its own process ends on SIGTERM (what Kubernetes and scripts/local-cluster.sh send), as
/// on Ctrl-C: ASP.NET Core's host takes SIGTERM for itself, and the command used to wait on until it was killed.
/// </summary>
[Collection(LiveCollection.Name)]
public sealed class DashboardSignalTests(LiveFixture live)
{
    [Fact]
    public void The_dashboard_process_stops_cleanly_on_SIGTERM()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "streamlabel.dll"), "dashboard", "--urls", "http://127.0.0.1:0" }.Concat(live.Cluster.Connect))
            start.ArgumentList.Add(a);
        var output = new List<string>();
        using var started = new ManualResetEventSlim();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is null) return; lock (output) output.Add(e.Data); if (e.Data.StartsWith("dashboard: http")) started.Set(); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Output() { lock (output) return string.Join('\n', output); }
        try
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(60)), $"the dashboard did not start:\n{Output()}");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) kill.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(20)), $"the dashboard was still running 20 s after SIGTERM:\n{Output()}");
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}:\n{Output()}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
