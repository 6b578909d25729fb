using k8s.Models;
using YamlDotNet.RepresentationModel;
using static StreamLabel.Deploy.Tests.Support.Shape;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>
/// The structure of the custom resources the overlays create, by served apiVersion and kind, written by hand from the
/// operators' own CRDs: Strimzi's install/cluster-operator/04x-Crd-*.yaml (only kafka.strimzi.io/v1 is served since
/// Strimzi 1.0), KEDA's config/crd/bases/keda.sh_*.yaml and the Prometheus Operator's monitoring.coreos.com_podmonitors.
/// Every field of each spec is listed (so a misspelled one fails); those StreamLabel does not set are <c>Any</c>.
/// </summary>
public static class CustomResourceShapes
{
    public const string StrimziApi = "kafka.strimzi.io/v1";
    public const string KedaApi = "keda.sh/v1alpha1";
    public const string PrometheusOperatorApi = "monitoring.coreos.com/v1";

    private static readonly string[] AclOperations =
        ["Read", "Write", "Create", "Delete", "Alter", "Describe", "ClusterAction", "AlterConfigs", "DescribeConfigs", "IdempotentWrite", "All"];

    private static Shape KafkaListener => Obj(
            ("name", Str()), ("port", Int(min: 9092)),
            ("type", Str("internal", "route", "tlsroute", "loadbalancer", "nodeport", "ingress", "cluster-ip")),
            ("tls", Bool),
            ("authentication", Obj(("type", Str("tls", "scram-sha-512", "custom")), ("sasl", Bool), ("listenerConfig", Any)).Requires("type")),
            ("configuration", Any),
            ("networkPolicyPeers", List(Typed<V1NetworkPolicyPeer>())))
        .Requires("name", "port", "type", "tls");

    private static Shape Operator(params string[] extra) => Obj(
        new[] { "watchedNamespace", "image", "reconciliationIntervalMs", "livenessProbe", "readinessProbe", "resources", "logging", "jvmOptions" }
            .Concat(extra).Select(f => (f, f is "reconciliationIntervalMs" ? Int(min: 0) : Any)).ToArray());

    private static Shape Kafka => Obj(("spec", Obj(
            ("kafka", Obj(
                ("version", Str()), ("metadataVersion", Str()), ("image", Str()),
                ("listeners", List(KafkaListener, minItems: 1)),
                ("config", Any),
                ("authorization", Obj(("type", Str("simple", "custom")), ("superUsers", List(Str())), ("authorizerClass", Str()), ("supportsAdminApi", Bool)).Requires("type")),
                ("rack", Any), ("brokerRackInitImage", Any), ("livenessProbe", Any), ("readinessProbe", Any), ("jvmOptions", Any),
                ("jmxOptions", Any), ("metricsConfig", Any), ("logging", Any), ("template", Any), ("tieredStorage", Any), ("quotas", Any))
                .Requires("listeners")),
            ("entityOperator", Obj(("topicOperator", Operator("startupProbe")), ("userOperator", Operator("secretPrefix")), ("template", Any))),
            ("kafkaExporter", Obj(
                ("groupRegex", Str()), ("topicRegex", Str()), ("groupExcludeRegex", Str()), ("topicExcludeRegex", Str()),
                ("showAllOffsets", Bool), ("enableSaramaLogging", Bool),
                ("image", Any), ("resources", Any), ("logging", Any), ("livenessProbe", Any), ("readinessProbe", Any), ("template", Any))),
            ("clusterCa", Any), ("clientsCa", Any), ("cruiseControl", Any), ("maintenanceTimeWindows", Any))
        .Requires("kafka")));

    private static Shape StorageVolume(bool jbodAllowed) => Obj(
            ("type", jbodAllowed ? Str("ephemeral", "persistent-claim", "jbod") : Str("ephemeral", "persistent-claim")),
            ("id", Int(min: 0)), ("size", Str()), ("sizeLimit", Str()), ("class", Str()), ("deleteClaim", Bool),
            ("kraftMetadata", Str("shared")), ("selector", Any), ("volumeAttributesClass", Str()),
            ("volumes", jbodAllowed ? List(StorageVolume(false), minItems: 1) : Any))
        .Requires("type");

    private static Shape KafkaNodePool => Obj(("spec", Obj(
            ("replicas", Int(min: 0)),
            ("roles", List(Str("controller", "broker"), minItems: 1)),
            ("storage", StorageVolume(jbodAllowed: true)),
            ("resources", Typed<V1ResourceRequirements>()), ("jvmOptions", Any), ("template", Any))
        .Requires("replicas", "storage", "roles")));

    private static Shape KafkaTopic => Obj(("spec", Obj(
        ("topicName", Str()), ("partitions", Int(min: 1)), ("replicas", Int(min: 1)), ("config", Any))));

    private static Shape KafkaUser => Obj(("spec", Obj(
        ("authentication", Obj(("type", Str("tls", "tls-external", "scram-sha-512")), ("password", Any), ("renewalDays", Int(min: 1)), ("validityDays", Int(min: 1))).Requires("type")),
        ("authorization", Obj(
            ("type", Str("simple")),
            ("acls", List(Obj(
                ("type", Str("allow", "deny")), ("host", Str()),
                ("resource", Obj(("type", Str("topic", "group", "cluster", "transactionalId")), ("name", Str()), ("patternType", Str("literal", "prefix"))).Requires("type")),
                ("operations", List(Str(AclOperations), minItems: 1)))
                .Requires("resource", "operations"))))
            .Requires("acls", "type")),
        ("quotas", Any), ("template", Any))));

    private static Shape ScaledObject => Obj(("spec", Obj(
            ("scaleTargetRef", Obj(("apiVersion", Str()), ("kind", Str()), ("name", Str()), ("envSourceContainerName", Str())).Requires("name")),
            ("triggers", List(Obj(
                    ("type", Str()), ("name", Str()), ("useCachedMetrics", Bool),
                    // additionalProperties of type string: a plain 100 here is rejected by the API server.
                    ("metadata", MapOf(Str())),
                    ("metricType", Str("Utilization", "AverageValue", "Value")),
                    ("authenticationRef", Obj(("name", Str()), ("kind", Str("TriggerAuthentication", "ClusterTriggerAuthentication"))).Requires("name")))
                .Requires("metadata", "type"), minItems: 1)),
            ("minReplicaCount", Int(min: 0)), ("maxReplicaCount", Int(min: 0)), ("idleReplicaCount", Int(min: 0)),
            ("pollingInterval", Int(min: 0)), ("cooldownPeriod", Int(min: 0)), ("initialCooldownPeriod", Int(min: 0)),
            ("fallback", Obj(("failureThreshold", Int(min: 0)), ("replicas", Int(min: 0)), ("behavior", Str())).Requires("failureThreshold", "replicas")),
            ("advanced", Obj(
                ("horizontalPodAutoscalerConfig", Obj(("name", Str()), ("behavior", Typed<V2HorizontalPodAutoscalerBehavior>()))),
                ("restoreToOriginalReplicaCount", Bool), ("scalingModifiers", Any))))
        .Requires("scaleTargetRef", "triggers")));

    private static Shape TargetRef => Obj(("parameter", Str()), ("name", Str()), ("key", Str())).Requires("parameter", "name", "key");

    private static Shape TriggerAuthentication => Obj(("spec", Obj(
        ("secretTargetRef", List(TargetRef)), ("configMapTargetRef", List(TargetRef)),
        ("env", List(Obj(("parameter", Str()), ("name", Str()), ("containerName", Str())).Requires("parameter", "name"))),
        ("podIdentity", Any), ("hashiCorpVault", Any), ("azureKeyVault", Any), ("awsSecretManager", Any), ("gcpSecretManager", Any),
        ("boundServiceAccountToken", Any), ("filePath", Any), ("oauth2", Any))));

    private static Shape PodMonitor => Obj(("spec", Obj(
            ("selector", Typed<V1LabelSelector>()),
            ("namespaceSelector", Obj(("any", Bool), ("matchNames", List(Str())))),
            ("podMetricsEndpoints", List(Obj(
                new[] { "authorization", "basicAuth", "bearerTokenSecret", "enableHttp2", "filterRunning", "followRedirects", "honorLabels",
                        "honorTimestamps", "metricRelabelings", "noProxy", "oauth2", "params", "portNumber", "proxyConnectHeader",
                        "proxyFromEnvironment", "proxyUrl", "relabelings", "targetPort", "tlsConfig", "trackTimestampsStaleness" }
                    .Select(f => (f, Any))
                    .Concat([("port", Str()), ("path", Str()), ("interval", Str()), ("scrapeTimeout", Str()), ("scheme", Str("http", "https", "HTTP", "HTTPS"))])
                    .ToArray()))),
            ("jobLabel", Str()), ("podTargetLabels", List(Str())),
            ("attachMetadata", Any), ("bodySizeLimit", Any), ("convertClassicHistogramsToNHCB", Any), ("fallbackScrapeProtocol", Any),
            ("keepDroppedTargets", Any), ("labelLimit", Any), ("labelNameLengthLimit", Any), ("labelValueLengthLimit", Any),
            ("nativeHistogramBucketLimit", Any), ("nativeHistogramMinBucketFactor", Any), ("sampleLimit", Any), ("scrapeClass", Any),
            ("scrapeClassicHistograms", Any), ("scrapeNativeHistograms", Any), ("scrapeProtocols", Any), ("selectorMechanism", Any),
            ("targetLimit", Any))
        .Requires("selector")));

    /// <summary>The shape of the spec (and any other top-level fields besides apiVersion, kind and metadata) by apiVersion/kind.</summary>
    public static readonly IReadOnlyDictionary<string, Shape> ByKind = new Dictionary<string, Shape>
    {
        [$"{StrimziApi}/Kafka"] = Kafka,
        [$"{StrimziApi}/KafkaNodePool"] = KafkaNodePool,
        [$"{StrimziApi}/KafkaTopic"] = KafkaTopic,
        [$"{StrimziApi}/KafkaUser"] = KafkaUser,
        [$"{KedaApi}/ScaledObject"] = ScaledObject,
        [$"{KedaApi}/TriggerAuthentication"] = TriggerAuthentication,
        [$"{PrometheusOperatorApi}/PodMonitor"] = PodMonitor,
    };

    public static bool IsKnown(string apiVersion, string kind) => ByKind.ContainsKey($"{apiVersion}/{kind}");

    /// <summary>Every way a rendered custom resource departs from its kind's shape (metadata read strictly as ObjectMeta).</summary>
    public static IEnumerable<string> Problems(RenderedObject o) => Problems(o.Yaml, o.ApiVersion, o.Kind).Select(p => $"{o.ApiVersion} {o.Id}: {p}");

    public static IEnumerable<string> Problems(string yaml, string apiVersion, string kind)
    {
        if (!ByKind.TryGetValue($"{apiVersion}/{kind}", out var shape)) { yield return "no known shape for this apiVersion and kind (not served, or not a custom resource StreamLabel uses)"; yield break; }
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        var body = new YamlMappingNode();
        foreach (var (key, value) in root.Children)
        {
            var name = ((YamlScalarNode)key).Value;
            if (name is "apiVersion" or "kind") continue;
            if (name == "metadata")
            {
                string? error = null;
                try { KubernetesSchema.ReadStrict<V1ObjectMeta>(new YamlStream(new YamlDocument(value)).ToText()); }
                catch (Exception e) { error = $"metadata is not valid ObjectMeta: {e.Message}"; }
                if (error is not null) yield return error;
                continue;
            }
            body.Add(key, value);
        }
        if (!body.Children.ContainsKey(new YamlScalarNode("spec"))) yield return "spec is required";
        foreach (var p in shape.Problems(body, "")) yield return p.TrimStart('.');
    }
}
