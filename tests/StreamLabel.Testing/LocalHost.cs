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

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
