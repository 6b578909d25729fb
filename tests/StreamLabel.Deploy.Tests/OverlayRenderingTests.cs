using k8s.Models;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>Every overlay renders with `kubectl kustomize`, and every object in it is a valid object of its API type.</summary>
public sealed class OverlayRenderingTests
{
    public static TheoryData<string> Overlays() => new(RepoPaths.OverlayNames());

    /// <summary>The Strimzi custom resources the overlays may create; their links are checked by StrimziResourceTests.</summary>
    public static readonly string[] StrimziKinds = ["Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser"];

    [Fact]
    public void The_dev_prod_and_strimzi_overlays_exist() =>
        Assert.Superset(new HashSet<string> { "dev", "prod", "strimzi" }, RepoPaths.OverlayNames().ToHashSet());

    [Theory, MemberData(nameof(Overlays))]
    public void Every_object_reads_strictly_as_its_Kubernetes_API_type(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        Assert.NotEmpty(rendered.Objects);
        foreach (var o in rendered.Objects)
        {
            if (!o.IsBuiltIn)
            {
                // Custom resources (Strimzi, KEDA, Prometheus Operator): checked against their CRDs' structure instead.
                Assert.True(CustomResourceShapes.IsKnown(o.ApiVersion, o.Kind), $"{overlay}: {o.ApiVersion} {o.Id} is neither a Kubernetes API type nor a custom resource with a known shape");
                Assert.Empty(CustomResourceShapes.Problems(o));
                continue;
            }
            var typed = rendered.Typed(o);
            Assert.Equal(o.Name, ((IMetadata<V1ObjectMeta>)typed).Metadata.Name);
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_namespaced_object_lands_in_the_overlays_namespace(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var ns = Assert.Single(rendered.OfKind("Namespace")).Name;
        foreach (var o in rendered.Objects.Where(o => o.Kind is not ("Namespace" or "ClusterRole" or "ClusterRoleBinding" or "PriorityClass")))
            Assert.True(o.Namespace == ns, $"{overlay}: {o.Id} is in namespace '{o.Namespace ?? "(none: kubectl's current one)"}', not {ns}");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void No_two_objects_share_kind_and_name(string overlay)
    {
        var duplicates = RenderedOverlay.Of(overlay).Objects.GroupBy(o => (o.ApiVersion, o.Kind, o.Name)).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(duplicates);
    }

    // The strict reader must be able to fail, or the checks above prove nothing.

    [Fact]
    public void The_strict_reader_rejects_a_misspelled_field()
    {
        var deployment = RenderedOverlay.Of("dev").OfKind("Deployment").First();
        var broken = deployment.Yaml.Replace("\n  replicas:", "\n  replica:");
        Assert.NotEqual(deployment.Yaml, broken);
        Assert.ThrowsAny<Exception>(() => KubernetesSchema.ReadStrict(broken, deployment.ApiVersion, deployment.Kind));
    }

    [Fact]
    public void The_strict_reader_rejects_a_field_at_the_wrong_level()
    {
        // ports belong to a container, not to the pod spec.
        const string yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: misplaced
            spec:
              selector:
                matchLabels: { app: x }
              template:
                metadata:
                  labels: { app: x }
                spec:
                  ports:
                    - containerPort: 8080
                  containers:
                    - name: x
                      image: x
            """;
        Assert.ThrowsAny<Exception>(() => KubernetesSchema.ReadStrict(yaml, "apps/v1", "Deployment"));
        Assert.NotNull(KubernetesSchema.ReadStrict(yaml.Replace("      ports:\n        - containerPort: 8080\n", ""), "apps/v1", "Deployment"));
    }

    [Fact]
    public void The_strict_reader_rejects_a_wrongly_typed_value()
    {
        const string yaml = """
            apiVersion: v1
            kind: Service
            metadata:
              name: s
            spec:
              ports:
                - port: eighty
            """;
        Assert.ThrowsAny<Exception>(() => KubernetesSchema.ReadStrict(yaml, "v1", "Service"));
    }
}
