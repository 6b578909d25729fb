using k8s.Models;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>The GPU tier asks for a GPU, lands on GPU nodes and tells Orleans it is the GPU tier; the CPU tier does neither.</summary>
public sealed class GpuTierTests
{
    public const string GpuResource = "nvidia.com/gpu";
    public const string AcceleratorVariable = "Orleans__Metadata__accelerator";

    public static TheoryData<string> Overlays() => new(RepoPaths.OverlayNames());

    [Theory, MemberData(nameof(Overlays))]
    public void The_gpu_tier_requests_a_gpu_carries_the_gpu_metadata_and_targets_gpu_nodes(string overlay) =>
        Assert.Empty(GpuTierProblems(RenderedOverlay.Of(overlay)));

    [Theory, MemberData(nameof(Overlays))]
    public void Cpu_silos_neither_request_gpus_nor_claim_the_gpu_metadata(string overlay) =>
        Assert.Empty(CpuTierProblems(RenderedOverlay.Of(overlay)));

    /// <summary>Production overlays: the namespace without the -dev suffix.</summary>
    public static TheoryData<string> ProductionOverlays() =>
        new(RepoPaths.OverlayNames().Where(o => !RenderedOverlay.Of(o).OfKind("Namespace").Single().Name.EndsWith("-dev", StringComparison.Ordinal)));

    [Theory, MemberData(nameof(ProductionOverlays))]
    public void Production_places_teachers_on_gpu_silos_only_and_keeps_two_of_them(string overlay) =>
        Assert.Empty(ProductionGpuProblems(RenderedOverlay.Of(overlay)));

    [Theory]
    [InlineData("value: Refuse", "value: AnySilo", "teachers fall back")]
    [InlineData("  replicas: 2\n", "  replicas: 1\n", "1 GPU silo")]
    public void A_production_gpu_tier_that_falls_back_to_cpu_is_caught(string find, string replace, string expected)
    {
        var text = string.Join("\n---\n", RenderedOverlay.Of("prod").Objects.Select(o => o.Yaml));
        Assert.Contains(find, text);
        Assert.Contains(ProductionGpuProblems(RenderedOverlay.Parse("prod-broken", text.Replace(find, replace))), p => p.Contains(expected));
    }

    private static IEnumerable<string> ProductionGpuProblems(RenderedOverlay overlay)
    {
        // AnySilo (the silo's default) would run teachers on CPU silos when the GPU tier is gone, with only a warning.
        foreach (var c in overlay.Containers(Workloads.SiloName).Where(c => c.Value("Teacher__Placement__Fallback") != "Refuse"))
            yield return $"{c.Where}: teachers fall back to any silo (Teacher__Placement__Fallback={c.Value("Teacher__Placement__Fallback") ?? "AnySilo"})";
        foreach (var gpu in overlay.Containers(Workloads.SiloName).Where(c => c.Value(AcceleratorVariable) == "gpu").Select(c => c.Deployment).Distinct())
            if ((gpu.Spec.Replicas ?? 1) < 2) yield return $"{overlay.Overlay}: Deployment/{gpu.Metadata.Name} keeps {gpu.Spec.Replicas ?? 1} GPU silo: one restart leaves teachers unplaceable";
    }

    [Theory]
    [InlineData("nvidia.com/gpu: \"1\"", "ephemeral-storage: 1Gi", "no nvidia.com/gpu limit")]
    [InlineData("effect: NoSchedule", "effect: NoExecute", "no toleration")]
    [InlineData("value: gpu", "value: cpu", "expected one GPU-tier silo")]
    public void A_broken_gpu_tier_is_caught(string find, string replace, string expected)
    {
        var dev = RenderedOverlay.Of("dev");
        var text = string.Join("\n---\n", dev.Objects.Select(o => o.Yaml.Replace(find, replace)));
        var problems = GpuTierProblems(RenderedOverlay.Parse("dev-broken", text)).Concat(CpuTierProblems(RenderedOverlay.Parse("dev-broken", text)));
        Assert.Contains(problems, p => p.Contains(expected));
    }

    private static IEnumerable<string> GpuTierProblems(RenderedOverlay overlay)
    {
        var gpu = overlay.Containers(Workloads.SiloName).Where(c => c.Value(AcceleratorVariable) == "gpu").ToList();
        if (gpu.Count != 1) { yield return $"{overlay.Overlay}: expected one GPU-tier silo container, found {gpu.Count}"; yield break; }
        var c = gpu[0];
        var limits = c.Container.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>();
        if (!limits.TryGetValue(GpuResource, out var limit) || limit.ToInt32() < 1) yield return $"{c.Where}: no {GpuResource} limit";
        // Extended resources: a request, if given, must equal the limit.
        else if (c.Container.Resources?.Requests?.TryGetValue(GpuResource, out var request) == true && request.ToInt32() != limit.ToInt32())
            yield return $"{c.Where}: {GpuResource} request differs from its limit";
        var pod = c.Deployment.Spec.Template.Spec;
        if (pod.NodeSelector is not { Count: > 0 } && pod.Affinity?.NodeAffinity is null) yield return $"{c.Where}: no node selection for GPU nodes";
        if (!(pod.Tolerations ?? []).Any(t => t.Key == GpuResource && t.Effect == "NoSchedule")) yield return $"{c.Where}: no toleration for {GpuResource} taints";
        if (!c.Container.Image.Contains("silo-gpu")) yield return $"{c.Where}: image {c.Container.Image} is not the GPU build";
    }

    private static IEnumerable<string> CpuTierProblems(RenderedOverlay overlay)
    {
        var cpu = overlay.Containers(Workloads.SiloName).Where(c => c.Value(AcceleratorVariable) != "gpu").ToList();
        if (cpu.Count == 0) yield return $"{overlay.Overlay}: no CPU-tier silo";
        foreach (var c in cpu)
        {
            if (c.Value(AcceleratorVariable) != "cpu") yield return $"{c.Where}: {AcceleratorVariable} is '{c.Value(AcceleratorVariable)}', not cpu";
            if (c.Container.Resources?.Limits?.ContainsKey(GpuResource) == true) yield return $"{c.Where}: a CPU silo holds a GPU";
            if (c.Container.Image.Contains("silo-gpu")) yield return $"{c.Where}: a CPU silo runs the GPU image";
        }
    }
}
