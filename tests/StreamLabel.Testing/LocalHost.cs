using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace StreamLabel.Testing;

/// <summary>What tests that start real servers and processes on this machine need: free ports and signals.</summary>
public static class LocalHost
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A TCP port free right now, below the ephemeral range and not given out before by this process. A port the OS picks
    /// (bind to 0) comes from the ephemeral range, which every outgoing connection of the parallel test runs also draws
    /// from, so a server started a second later could find it taken (a CI-like run failed so: AddressInUseException).
    /// </summary>
    public static int FreePort()
    {
        int low = 10_000, high = EphemeralLow() - 1;
        lock (Given)
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int port = Random.Shared.Next(low, high + 1);
                if (!Given.Contains(port) && Bindable(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        throw new InvalidOperationException($"no free TCP port in {low}-{high} after 1000 tries");
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }

    // The first port of the kernel's ephemeral range (net.ipv4.ip_local_port_range), 32768 when it cannot be read.
    private static int EphemeralLow()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.TryParse(first, out var low) && low > 11_000 ? low : 32_768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 32_768; }
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
