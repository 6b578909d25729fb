using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// In-process JIT profile: the methods the runtime compiles while it listens (MethodLoadVerbose events), by tier. A
/// measured window that still compiles at tier 0 runs unoptimized code and pays for the compiling: it measures warm-up.
/// </summary>
public sealed class JitSampler : EventListener
{
    // MethodFlags bits 7-9: the optimization tier (the runtime's PrepareCodeConfig::JitOptimizationTier).
    private static readonly string[] Tiers = ["unknown", "min-opts", "optimized", "tier 0", "tier 1", "tier 1 OSR", "tier 0 instrumented", "tier 1 instrumented"];
    private readonly ConcurrentQueue<(string Method, string Tier)> _methods = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10); // JIT keyword
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.Payload is null) return;
        int ns = e.PayloadNames!.IndexOf("MethodNamespace"), method = e.PayloadNames.IndexOf("MethodName"), flags = e.PayloadNames.IndexOf("MethodFlags");
        if (ns < 0 || method < 0 || flags < 0) return;
        int tier = (int)((Convert.ToUInt32(e.Payload[flags]) >> 7) & 0x7);
        _methods.Enqueue(($"{e.Payload[ns]}::{e.Payload[method]}", Tiers[tier]));
    }

    /// <summary>Counts by tier, then the types with the most methods compiled while listening, with their tiers.</summary>
    public IEnumerable<string> Summary(int top)
    {
        var all = _methods.ToArray();
        yield return $"methods compiled while listening: {all.Length} ({string.Join(", ", all.GroupBy(m => m.Tier).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"))})";
        foreach (var g in all.GroupBy(m => m.Method[..Math.Max(0, m.Method.IndexOf("::", StringComparison.Ordinal))]).OrderByDescending(g => g.Count()).Take(top))
            yield return $"  {g.Count(),4}  {g.Key} ({string.Join(", ", g.GroupBy(m => m.Tier).Select(t => $"{t.Key} {t.Count()}"))})";
    }
}
