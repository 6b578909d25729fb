using System.Globalization;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>Established loopback TCP connections to a port, from /proc/net/tcp (what `ss -tn state established` shows).</summary>
internal static class TcpConnections
{
    public static int EstablishedTo(int port)
    {
        int count = 0;
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            // "sl local_address rem_address st ...": addresses are HEXIP:HEXPORT, state 01 = ESTABLISHED.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != "01") continue;
            if (int.Parse(fields[2].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port) count++;
        }
        return count;
    }
}
