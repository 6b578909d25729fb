using k8s.Models;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>The objects of each overlay point at each other correctly: selectors, targets, named ports, references.</summary>
public sealed class ManifestConsistencyTests
{
    public static TheoryData<string> Overlays() => new(RepoPaths.OverlayNames());

    [Theory, MemberData(nameof(Overlays))]
    public void Each_deployment_selects_its_own_pods_and_no_other_deployments(string overlay)
    {
        var deployments = RenderedOverlay.Of(overlay).All<V1Deployment>().ToList();
        foreach (var d in deployments)
        {
            Assert.True(Workloads.Matches(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels),
                $"{overlay}: Deployment/{d.Metadata.Name} selector does not match its pod labels");
            var alsoSelected = deployments.Where(o => o != d && Workloads.Matches(d.Spec.Selector.MatchLabels, o.Spec.Template.Metadata.Labels));
            Assert.Empty(alsoSelected.Select(o => o.Metadata.Name));
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Services_select_pods_of_a_deployment_and_target_named_container_ports(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        foreach (var s in rendered.All<V1Service>())
        {
            var pods = rendered.All<V1Deployment>().Where(d => Workloads.Matches(s.Spec.Selector, d.Spec.Template.Metadata.Labels)).ToList();
            Assert.True(pods.Count > 0, $"{overlay}: Service/{s.Metadata.Name} selects no Deployment's pods");
            foreach (var port in s.Spec.Ports)
            {
                var target = port.TargetPort?.Value ?? port.Port.ToString();
                foreach (var d in pods)
                {
                    var containerPorts = d.Spec.Template.Spec.Containers.SelectMany(c => c.Ports ?? []).ToList();
                    Assert.True(containerPorts.Any(p => p.Name == target || p.ContainerPort.ToString() == target),
                        $"{overlay}: Service/{s.Metadata.Name} port {port.Name} targets {target}, which Deployment/{d.Metadata.Name} does not expose");
                }
            }
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Disruption_budgets_cover_exactly_one_deployment_each_and_every_silo_tier_has_one(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var deployments = rendered.All<V1Deployment>().ToList();
        var covered = new List<string>();
        foreach (var pdb in rendered.All<V1PodDisruptionBudget>())
        {
            var matched = deployments.Where(d => Workloads.Matches(pdb.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels)).ToList();
            Assert.True(matched.Count == 1, $"{overlay}: PodDisruptionBudget/{pdb.Metadata.Name} covers {matched.Count} Deployments");
            covered.Add(matched[0].Metadata.Name);
            // minAvailable equal to the replica count would block every node drain.
            Assert.Null(pdb.Spec.MinAvailable);
            Assert.NotNull(pdb.Spec.MaxUnavailable);
        }
        foreach (var silo in rendered.Deployments(Workloads.SiloName))
            Assert.Contains(silo.Metadata.Name, covered);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_referenced_config_map_exists_and_every_pod_names_an_existing_service_account(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var configMaps = rendered.All<V1ConfigMap>().Select(c => c.Metadata.Name).ToHashSet();
        var accounts = rendered.All<V1ServiceAccount>().Select(a => a.Metadata.Name).ToHashSet();
        foreach (var d in rendered.All<V1Deployment>())
        {
            var pod = d.Spec.Template.Spec;
            var refs = pod.Containers.SelectMany(c => (c.EnvFrom ?? []).Select(e => e.ConfigMapRef?.Name)
                .Concat((c.Env ?? []).Select(e => e.ValueFrom?.ConfigMapKeyRef?.Name)))
                .Concat((pod.Volumes ?? []).Select(v => v.ConfigMap?.Name)).OfType<string>();
            foreach (var name in refs) Assert.True(configMaps.Contains(name), $"{overlay}: Deployment/{d.Metadata.Name} reads ConfigMap {name}, which is not rendered");
            if (pod.ServiceAccountName is { } sa) Assert.Contains(sa, accounts);
            // Nothing calls the Kubernetes API: no token in the pods.
            Assert.False(pod.AutomountServiceAccountToken ?? true, $"{overlay}: Deployment/{d.Metadata.Name} mounts an API token it does not need");
        }
        Assert.Empty(rendered.Objects.Where(o => o.Kind is "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding").Select(o => o.Id));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Silos_run_as_non_root_with_probes_and_time_to_stop_gracefully(string overlay)
    {
        foreach (var c in RenderedOverlay.Of(overlay).Containers(Workloads.SiloName))
        {
            var pod = c.Deployment.Spec.Template.Spec;
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true, $"{c.Where}: runAsNonRoot is not set");
            Assert.NotEqual(0, pod.SecurityContext?.RunAsUser ?? 0);
            Assert.False(c.Container.SecurityContext?.AllowPrivilegeEscalation ?? true);
            Assert.Equal("/healthz", c.Container.LivenessProbe?.HttpGet?.Path);
            Assert.Equal("/ready", c.Container.ReadinessProbe?.HttpGet?.Path);
            // The kubelet must wait longer than the host's own shutdown budget, or it kills the silo mid-handover.
            var hostBudget = int.Parse(c.Value("DOTNET_shutdownTimeoutSeconds") ?? "30");
            Assert.True(hostBudget >= 60, $"{c.Where}: {hostBudget}s is short for deactivating grains and committing offsets");
            Assert.True(pod.TerminationGracePeriodSeconds > hostBudget,
                $"{c.Where}: terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} is not above the host's {hostBudget}s");
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_image_has_an_explicit_tag_and_prod_pins_registry_images(string overlay)
    {
        foreach (var d in RenderedOverlay.Of(overlay).All<V1Deployment>())
        foreach (var c in d.Spec.Template.Spec.Containers)
        {
            var lastSegment = c.Image.Split('/')[^1];
            Assert.True(lastSegment.Contains(':') || c.Image.Contains('@'), $"{overlay}: {d.Metadata.Name}/{c.Name} image {c.Image} has no tag");
            Assert.False(c.Image.EndsWith(":latest", StringComparison.Ordinal), $"{overlay}: {c.Image} floats");
            if (overlay == "prod" && c.Image.Contains("streamlabel/"))
                Assert.Contains('.', c.Image.Split('/')[0]); // a registry host, not a Docker Hub short name
        }
    }
}
