using System.Net.Http.Json;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>A silo process's resident memory (from /proc) and its live TorchSharp tensors (from its /diagnostics).</summary>
internal static class SiloProcessStats
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>VmRSS of a process in bytes.</summary>
    public static long ResidentBytes(int pid) => StatusBytes(pid, "VmRSS");

    /// <summary>A "kB" line of /proc/PID/status (VmRSS, RssAnon: heaps and stacks, RssFile: mapped files and code), in bytes.</summary>
    public static long StatusBytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;
        throw new InvalidOperationException($"no {field} in /proc/{pid}/status");
    }

    /// <summary>A variable of a running process's environment (/proc/PID/environ), or null.</summary>
    public static string? EnvironmentVariable(int pid, string name) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0').FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    /// <summary>The silo's /diagnostics; with <paramref name="collect"/> after a full GC and finalizers in the silo.</summary>
    public static async Task<SiloDiagnostics> DiagnosticsAsync(int healthPort, bool collect) =>
        await Http.GetFromJsonAsync<SiloDiagnostics>($"http://127.0.0.1:{healthPort}/diagnostics?collect={(collect ? "true" : "false")}")
        ?? throw new InvalidOperationException("empty /diagnostics answer");
}

/// <summary>The silo's /diagnostics answer (src/Silo/Hosting/DiagnosticsEndpoint.cs).</summary>
internal sealed record SiloDiagnostics(long LiveTensors, long PeakTensors, long WorkingSetBytes, long ManagedHeapBytes,
    long GcCommittedBytes, long? NativeInUseBytes, long? NativeFreeBytes, bool ServerGc, int ProcessId);
