using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace StreamLabel.Testing;

/// <summary>What tests that start real servers and processes on this machine need: free ports and signals.</summary>
public static class LocalHost
{
    /// <summary>A loopback TCP port free right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends a POSIX signal (2 = SIGINT, 15 = SIGTERM) to a process; false when it is already gone.</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>
    /// Ends a server process and disposes it: first <paramref name="signal"/> (its clean shutdown) with
    /// <paramref name="grace"/> to exit, then SIGKILL; null = SIGKILL at once.
    /// </summary>
    public static void Stop(Process process, int? signal = null, TimeSpan grace = default)
    {
        try
        {
            if (!process.HasExited)
            {
                if (signal is not int s || !Signal(process.Id, s) || !process.WaitForExit(grace))
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }
            }
        }
        catch (InvalidOperationException) { } // it exited in between
        process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
