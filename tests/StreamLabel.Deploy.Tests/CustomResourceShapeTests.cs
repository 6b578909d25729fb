using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// The structure checks of the custom resources (CustomResourceShapes) can fail: each broken manifest below is one the
/// operator's CRD would reject, and each is caught with its path. The rendered overlays themselves are checked by
/// OverlayRenderingTests.
/// </summary>
public sealed class CustomResourceShapeTests
{
    [Theory]
    // Strimzi 1.0 serves only kafka.strimzi.io/v1.
    [InlineData("strimzi", "Kafka", "apiVersion: kafka.strimzi.io/v1\n", "apiVersion: kafka.strimzi.io/v1beta2\n", "no known shape")]
    [InlineData("strimzi", "Kafka", "type: internal", "type: internal-only", "spec.kafka.listeners[0].type is 'internal-only'")]
    [InlineData("strimzi", "Kafka", "    port: 9093", "    port: \"9093\"", "spec.kafka.listeners[0].port is a string")]
    [InlineData("strimzi", "Kafka", "networkPolicyPeers:\n      - podSelector:", "networkPolicyPeers:\n      - podSelecter:", "networkPolicyPeers[0] is not a valid V1NetworkPolicyPeer")]
    [InlineData("strimzi", "Kafka", "kafkaExporter:", "kafkaExport:", "spec.kafkaExport is not a field")]
    [InlineData("strimzi", "KafkaNodePool", "  replicas: 1\n", "", "spec.replicas is required")]
    [InlineData("strimzi", "KafkaNodePool", "- broker", "- brokers", "spec.roles[1] is 'brokers'")]
    [InlineData("strimzi", "KafkaNodePool", "kraftMetadata: shared", "kraftMetadata: separate", "kraftMetadata is 'separate'")]
    [InlineData("strimzi", "KafkaTopic", "partitions: 8", "partitions: 0", "below the minimum 1")]
    [InlineData("strimzi", "KafkaUser", "- Read", "- Consume", "is 'Consume'")]
    [InlineData("strimzi", "KafkaUser", "acls:", "acl:", "spec.authorization.acl is not a field")]
    [InlineData("strimzi", "TriggerAuthentication", "parameter: ca", "param: ca", "secretTargetRef[1].parameter is required")]
    // KEDA's trigger metadata is a map of strings: a plain number is rejected by the API server.
    [InlineData("dev", "ScaledObject", "lagThreshold: \"20000\"", "lagThreshold: 20000", "spec.triggers[0].metadata.lagThreshold is a integer")]
    [InlineData("dev", "ScaledObject", "maxReplicaCount: 3", "maxReplicas: 3", "spec.maxReplicas is not a field")]
    [InlineData("dev", "ScaledObject", "stabilizationWindowSeconds: 300", "stabilisationWindowSeconds: 300", "behavior is not a valid V2HorizontalPodAutoscalerBehavior")]
    [InlineData("prod", "PodMonitor", "path: /metrics", "paths: /metrics", "podMetricsEndpoints[0].paths is not a field")]
    [InlineData("prod", "PodMonitor", "  selector:", "  selektor:", "spec.selector is required")]
    public void A_manifest_the_crd_rejects_is_caught(string overlay, string kind, string find, string replace, string expected)
    {
        var o = RenderedOverlay.Of(overlay).OfKind(kind).First();
        Assert.Empty(CustomResourceShapes.Problems(o));
        var broken = o.Yaml.Replace(find, replace);
        Assert.NotEqual(o.Yaml, broken);
        var apiVersion = broken.Contains("v1beta2") ? "kafka.strimzi.io/v1beta2" : o.ApiVersion;
        var problems = CustomResourceShapes.Problems(broken, apiVersion, kind).ToList();
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
