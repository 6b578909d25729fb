using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// In-process allocation profile: the runtime's GCAllocationTick events (one per ~100 KB allocated, naming the type
/// that crossed the mark) summed by type. A sample, not a count: types that allocate more are hit proportionally more.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        int typeAt = e.PayloadNames!.IndexOf("TypeName"), amountAt = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeAt < 0 || amountAt < 0) return;
        _bytes.AddOrUpdate(e.Payload[typeAt] as string ?? "?", Convert.ToInt64(e.Payload[amountAt]), (_, b) => b + Convert.ToInt64(e.Payload[amountAt]));
    }

    /// <summary>The types with the most sampled bytes, with their share of all sampled bytes.</summary>
    public IEnumerable<string> Top(int n)
    {
        double total = Math.Max(1, _bytes.Values.Sum());
        return _bytes.OrderByDescending(x => x.Value).Take(n).Select(x => $"{x.Value / total,6:P1} {x.Value / 1e6,8:F1} MB  {x.Key}");
    }
}
