using k8s.Models;
using StreamLabel.Deploy.Tests.Support;
using YamlDotNet.Serialization;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// The Strimzi custom resources (Kafka, KafkaNodePool, KafkaTopic, KafkaUser) in kafka.strimzi.io/v1. Their structure
/// is checked against shapes written from Strimzi's CRDs (CustomResourceShapes, run by OverlayRenderingTests); here,
/// every link between them and the silos that a typo would break: cluster labels, node roles, bootstrap Service and
/// listener, SCRAM user and its Secret, CA Secret, the topics the silos use, and the user's ACLs.
/// </summary>
public sealed class StrimziResourceTests
{
    private const string StrimziApi = CustomResourceShapes.StrimziApi;
    private static readonly ISerializer Yaml = new SerializerBuilder().Build();

    public static TheoryData<string> StrimziOverlays() =>
        new(RepoPaths.OverlayNames().Where(o => RenderedOverlay.Of(o).Objects.Any(x => x.ApiVersion.StartsWith("kafka.strimzi.io/"))));

    [Fact]
    public void The_strimzi_overlay_creates_a_kafka_cluster() => Assert.Contains("strimzi", RepoPaths.OverlayNames().Where(o => RenderedOverlay.Of(o).OfKind("Kafka").Any()));

    [Theory, MemberData(nameof(StrimziOverlays))]
    public void Custom_resources_have_valid_metadata_and_the_served_api_version(string overlay)
    {
        foreach (var o in RenderedOverlay.Of(overlay).Objects.Where(x => x.ApiVersion.StartsWith("kafka.strimzi.io/")))
        {
            Assert.Equal(StrimziApi, o.ApiVersion);
            Assert.Contains(o.Kind, OverlayRenderingTests.StrimziKinds);
            var metadata = KubernetesSchema.ReadStrict<V1ObjectMeta>(Yaml.Serialize(o.Raw["metadata"]));
            Assert.Equal(o.Name, metadata.Name);
            Assert.True(o.Raw.ContainsKey("spec"), $"{o.Id} has no spec");
            Assert.Equal(["apiVersion", "kind", "metadata", "spec"], o.Raw.Keys.Select(k => (string)k).Order());
        }
    }

    [Theory, MemberData(nameof(StrimziOverlays))]
    public void Pools_topics_and_users_belong_to_a_kafka_cluster_with_controllers_and_brokers(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var kafka = Assert.Single(rendered.OfKind("Kafka"));
        // v1 knows only node pools and KRaft; the v1beta2 switches are ignored there, so they would only mislead.
        var annotations = kafka.Raw.MapOrNull("metadata", "annotations")?.Keys.Cast<string>() ?? [];
        Assert.DoesNotContain(annotations, a => a is "strimzi.io/node-pools" or "strimzi.io/kraft");
        foreach (var o in rendered.Objects.Where(x => x.Kind is "KafkaNodePool" or "KafkaTopic" or "KafkaUser"))
            Assert.Equal(kafka.Name, Map(o.Raw, "metadata", "labels")["strimzi.io/cluster"]);
        var roles = rendered.OfKind("KafkaNodePool").SelectMany(p => List(p.Raw, "spec", "roles")).ToHashSet();
        Assert.Superset(roles, new HashSet<object> { "controller", "broker" });
        var brokers = rendered.OfKind("KafkaNodePool").Where(p => List(p.Raw, "spec", "roles").Contains("broker")).Sum(p => Int(Map(p.Raw, "spec")["replicas"]));
        foreach (var topic in rendered.OfKind("KafkaTopic"))
            Assert.InRange(Int(Map(topic.Raw, "spec")["replicas"]), 1, brokers);
        var config = Map(kafka.Raw, "spec", "kafka", "config");
        Assert.InRange(Int(config["min.insync.replicas"]), 1, Int(config["default.replication.factor"]));
        Assert.InRange(Int(config["default.replication.factor"]), 1, brokers);
    }

    [Theory, MemberData(nameof(StrimziOverlays))]
    public void The_silos_reach_the_kafka_cluster_with_its_listener_user_secret_and_ca(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var kafka = Assert.Single(rendered.OfKind("Kafka"));
        var listeners = List(kafka.Raw, "spec", "kafka", "listeners").Cast<IDictionary<object, object>>().ToList();
        foreach (var c in rendered.Containers(Workloads.SiloName))
        {
            var bootstrap = c.Value("Kafka__BootstrapServers")!.Split(':');
            Assert.Equal($"{kafka.Name}-kafka-bootstrap", bootstrap[0]); // the Service Strimzi creates
            var listener = listeners.SingleOrDefault(l => Int(l["port"]).ToString() == bootstrap[1]);
            Assert.True(listener is not null, $"{c.Where}: port {bootstrap[1]} is no listener of Kafka/{kafka.Name}");
            var tls = listener["tls"] is "true" or true;
            var auth = listener.TryGetValue("authentication", out var a) ? (string)((IDictionary<object, object>)a)["type"] : null;
            var protocol = c.Value("Kafka__Client__security.protocol") ?? "PLAINTEXT";
            Assert.Equal((tls, auth is not null) switch { (true, true) => "SASL_SSL", (true, false) => "SSL", (false, true) => "SASL_PLAINTEXT", _ => "PLAINTEXT" }, protocol);
            if (auth == "scram-sha-512")
            {
                Assert.Equal("SCRAM-SHA-512", c.Value("Kafka__Client__sasl.mechanism"));
                var user = c.Value("Kafka__Client__sasl.username");
                var kafkaUser = rendered.OfKind("KafkaUser").SingleOrDefault(u => u.Name == user);
                Assert.True(kafkaUser is not null, $"{c.Where}: SCRAM user {user} is not a KafkaUser of the overlay");
                Assert.Equal("scram-sha-512", Map(kafkaUser.Raw, "spec", "authentication")["type"]);
                // The User Operator writes the password into a Secret named after the user, key "password".
                var secret = c.Environment.Single(e => e.Name == "Kafka__Client__sasl.password").ValueFrom?.SecretKeyRef;
                Assert.Equal((user, "password"), (secret?.Name, secret?.Key));
            }
            if (tls)
            {
                var caFile = c.Value("Kafka__Client__ssl.ca.location")!;
                var mount = c.Container.VolumeMounts.Single(m => caFile.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
                var volume = c.Deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
                Assert.Equal($"{kafka.Name}-cluster-ca-cert", volume.Secret?.SecretName);
                Assert.Contains(volume.Secret!.Items, i => i.Key == "ca.crt" && i.Path == Path.GetFileName(caFile));
            }
        }
    }

    private static IDictionary<object, object> Map(IDictionary<object, object> root, params string[] path) => root.Map(path);

    private static IEnumerable<object> List(IDictionary<object, object> root, params string[] path) => root.List(path);

    private static int Int(object value) => RawFields.Int(value);
}
