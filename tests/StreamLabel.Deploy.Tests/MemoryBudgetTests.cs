using System.Globalization;
using k8s.Models;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// Silo memory is a fixed budget split between the GC heap and native memory: the pod requests what it may use (request
/// = limit, so the scheduler never overcommits the node and the kubelet does not evict it first), and the GC heap is
/// capped at a share of that limit, leaving the rest to libtorch's tensors and librdkafka's buffers, which the GC neither
/// sees nor bounds.
/// </summary>
public sealed class MemoryBudgetTests
{
    public const string HeapLimitVariable = "DOTNET_GCHeapHardLimitPercent";

    public static TheoryData<string> Overlays() => new(RepoPaths.OverlayNames());

    [Theory, MemberData(nameof(Overlays))]
    public void Silos_request_the_memory_they_are_limited_to(string overlay) => Assert.Empty(RequestProblems(RenderedOverlay.Of(overlay)));

    [Theory, MemberData(nameof(Overlays))]
    public void The_gc_heap_is_capped_below_the_memory_limit(string overlay) => Assert.Empty(HeapLimitProblems(RenderedOverlay.Of(overlay)));

    [Theory]
    [InlineData("memory: 4Gi\n          requests:\n            cpu: \"1\"\n            memory: 4Gi", "memory: 4Gi\n          requests:\n            cpu: \"1\"\n            memory: 2Gi", "request 2Gi differs")]
    [InlineData("value: \"0x32\"", "value: \"50\"", "hexadecimal")]
    [InlineData("value: \"0x32\"", "value: \"0x5A\"", "90%")]
    [InlineData("name: DOTNET_GCHeapHardLimitPercent", "name: DOTNET_GCHeapLimitPercent", "no DOTNET_GCHeapHardLimitPercent")]
    public void A_broken_memory_budget_is_caught(string find, string replace, string expected)
    {
        var prod = RenderedOverlay.Of("prod");
        var text = string.Join("\n---\n", prod.Objects.Select(o => o.Yaml));
        Assert.Contains(find, text);
        var broken = RenderedOverlay.Parse("prod-broken", text.Replace(find, replace));
        Assert.Contains(RequestProblems(broken).Concat(HeapLimitProblems(broken)), p => p.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>
    /// The runtime reads the variable as hexadecimal ("0x32" is 50%, "50" would be 80%) and caps the heap at that share of
    /// the memory it sees: checked on a real process started with the manifests' value.
    /// </summary>
    [Fact]
    public void The_runtime_caps_the_heap_at_the_share_the_manifests_set()
    {
        var values = RepoPaths.OverlayNames().SelectMany(o => RenderedOverlay.Of(o).Containers(Workloads.SiloName))
            .Select(c => c.Value(HeapLimitVariable)!).Distinct().ToList();
        var folder = Directory.CreateTempSubdirectory("streamlabel-gc-");
        try
        {
            var program = Path.Combine(folder.FullName, "heap.cs");
            File.WriteAllText(program, "Console.WriteLine(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);\n");
            long Available(string? limit)
            {
                var env = limit is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [HeapLimitVariable] = limit };
                var result = ProcessRunner.Run("dotnet", ["run", program], folder.FullName, TimeSpan.FromMinutes(5), env);
                if (result.ExitCode != 0) throw new InvalidOperationException(result.Describe("dotnet run heap.cs"));
                return long.Parse(result.StdOut.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
            }
            var whole = Available(null);
            foreach (var value in values)
            {
                var percent = Convert.ToInt32(value[2..], 16);
                Assert.Equal(whole * percent / 100.0, Available(value), tolerance: whole * 0.01);
            }
        }
        finally { folder.Delete(recursive: true); }
    }

    private static IEnumerable<string> RequestProblems(RenderedOverlay r)
    {
        foreach (var c in r.Containers(Workloads.SiloName))
        {
            ResourceQuantity? request = null, limit = null;
            c.Container.Resources?.Requests?.TryGetValue("memory", out request);
            c.Container.Resources?.Limits?.TryGetValue("memory", out limit);
            if (limit is null) yield return $"{r.Overlay}: {c.Where} has no memory limit";
            else if (request is null || request.ToDecimal() != limit.ToDecimal())
                yield return $"{r.Overlay}: {c.Where} memory request {request?.ToString() ?? "none"} differs from its limit {limit}";
        }
    }

    private static IEnumerable<string> HeapLimitProblems(RenderedOverlay r)
    {
        foreach (var c in r.Containers(Workloads.SiloName))
        {
            var value = c.Value(HeapLimitVariable);
            if (value is null) { yield return $"{r.Overlay}: {c.Where} sets no {HeapLimitVariable}: the GC may take the whole limit"; continue; }
            // The runtime parses DOTNET_GC* values as hexadecimal; a decimal-looking value silently means something else.
            if (!value.StartsWith("0x", StringComparison.Ordinal) || !int.TryParse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var percent))
            {
                yield return $"{r.Overlay}: {c.Where} {HeapLimitVariable}={value} is not written as hexadecimal (0x..)";
                continue;
            }
            // Below a quarter the heap starves; above three quarters libtorch and librdkafka run into the cgroup limit.
            if (percent is < 25 or > 75) yield return $"{r.Overlay}: {c.Where} {HeapLimitVariable}={value} is {percent}% of the limit, outside 25-75%";
            if (c.Value("DOTNET_GCHeapHardLimit") is not null) yield return $"{r.Overlay}: {c.Where} sets an absolute heap limit too, which wins over the share";
        }
    }
}
