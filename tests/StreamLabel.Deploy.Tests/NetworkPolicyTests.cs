using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// Who may connect to whom under each overlay's NetworkPolicies, evaluated connection by connection: the silo port
/// between silos only, the gateway from silos and the dashboard, the health/metrics port from the monitoring namespace,
/// and out of the silos only Kafka, the cluster store and DNS. Everything else is denied.
/// </summary>
public sealed partial class NetworkPolicyTests
{
    public static TheoryData<string> Overlays() => new(RepoPaths.OverlayNames());

    [Theory, MemberData(nameof(Overlays))]
    public void Only_the_connections_streamlabel_needs_are_allowed(string overlay) => Assert.Empty(Problems(RenderedOverlay.Of(overlay)));

    [Theory]
    [InlineData("app.kubernetes.io/name: streamlabel-silo\n    ports:\n    - port: silo", "app.kubernetes.io/name: streamlabel-silo\n    - podSelector: {}\n    ports:\n    - port: silo", "other -> silo-cpu:11111/TCP is allowed")]
    [InlineData("kubernetes.io/metadata.name: monitoring", "kubernetes.io/metadata.name: default", "monitoring/prometheus -> silo-cpu:8080/TCP is denied")]
    [InlineData("- port: 53\n      protocol: UDP", "- port: 5353\n      protocol: UDP", "silo-cpu -> kube-system/coredns:53/UDP is denied")]
    [InlineData("- port: 9093\n      protocol: TCP", "- port: 9094\n      protocol: TCP", "silo-cpu -> kafka:9093/TCP is denied")]
    [InlineData("policyTypes:\n  - Ingress\n  - Egress", "policyTypes:\n  - Ingress", "dashboard -> kafka:9093/TCP is allowed")]
    public void A_hole_or_a_missing_path_is_caught(string find, string replace, string expected)
    {
        var prod = RenderedOverlay.Of("prod");
        var text = string.Join("\n---\n", prod.Objects.Select(o => o.Kind == "NetworkPolicy" ? o.Yaml.Replace(find, replace) : o.Yaml));
        Assert.NotEqual(string.Join("\n---\n", prod.Objects.Select(o => o.Yaml)), text);
        Assert.Contains(expected, Problems(RenderedOverlay.Parse("prod-broken", text)));
    }

    private static List<string> Problems(RenderedOverlay r)
    {
        var ns = r.OfKind("Namespace").Single().Name;
        var policies = new NetworkPolicyEvaluator(r.All<V1NetworkPolicy>().ToList());
        var deployments = r.All<V1Deployment>().ToDictionary(d => d.Metadata.Name, d => Endpoint.Of(d, ns));
        var silos = r.Deployments(Workloads.SiloName).Select(d => deployments[d.Metadata.Name]).ToList();
        var cpu = deployments["silo-cpu"];
        var dashboard = deployments["dashboard"];
        var other = Endpoint.Pod("other", ns, new Dictionary<string, string> { ["app"] = "other" });
        var foreign = Endpoint.Pod("default/client", "default", new Dictionary<string, string> { ["app"] = "client" });
        var prometheus = Endpoint.Pod("monitoring/prometheus", "monitoring", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" });
        var dns = Endpoint.Pod("kube-system/coredns", "kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
        var outside = Endpoint.Outside("outside");
        var (kafka, kafkaPort) = KafkaEndpoint(r, ns);
        var (store, storePort) = StoreEndpoint(r, deployments);

        var expectations = new List<(Endpoint From, Endpoint To, int Port, string Protocol, bool Allowed)>();
        void Expect(Endpoint from, Endpoint to, int port, bool allowed, string protocol = "TCP") => expectations.Add((from, to, port, protocol, allowed));
        foreach (var a in silos)
        foreach (var b in silos)
        {
            Expect(a, b, 11111, true);
            Expect(a, b, 30000, true);
            Expect(a, b, 9999, false); // default deny: a port nobody opened
        }
        foreach (var silo in silos)
        {
            Expect(dashboard, silo, 30000, true);
            Expect(dashboard, silo, 11111, false);
            Expect(prometheus, silo, 8080, true);
            Expect(prometheus, silo, 11111, false);
            foreach (var port in new[] { 11111, 30000, 8080 })
            {
                Expect(other, silo, port, false);
                Expect(foreign, silo, port, false);
            }
            Expect(silo, kafka, kafkaPort, true);
            Expect(silo, store, storePort, true);
            Expect(silo, dns, 53, true, "UDP");
            Expect(silo, dns, 53, true, "TCP");
            Expect(silo, outside, 443, false);
            Expect(silo, dashboard, 8080, false);
        }
        Expect(dashboard, store, storePort, true);
        Expect(dashboard, dns, 53, true, "UDP");
        Expect(dashboard, kafka, kafkaPort, false);
        Expect(outside, dashboard, 8080, true);
        Expect(cpu, outside, 80, false);

        return expectations.Where(e => policies.Allows(e.From, e.To, e.Port, e.Protocol) != e.Allowed)
            .Select(e => $"{e.From.Name} -> {e.To.Name}:{e.Port}/{e.Protocol} is {(e.Allowed ? "denied" : "allowed")}").ToList();
    }

    /// <summary>The Kafka the silos bootstrap from: Strimzi's broker pods in the namespace, or an address elsewhere.</summary>
    private static (Endpoint, int) KafkaEndpoint(RenderedOverlay r, string ns)
    {
        var bootstrap = r.Containers(Workloads.SiloName).First().Value("Kafka__BootstrapServers")!;
        var port = int.Parse(bootstrap.Split(',')[0].Split(':')[^1]);
        var kafka = r.OfKind("Kafka").SingleOrDefault();
        return kafka is null
            ? (Endpoint.Outside("kafka"), port)
            : (Endpoint.Pod("kafka", ns, new Dictionary<string, string> { ["strimzi.io/cluster"] = kafka.Name, ["strimzi.io/kind"] = "Kafka" },
                [new V1ContainerPort { ContainerPort = port, Name = "tls" }]), port);
    }

    /// <summary>The membership store: the overlay's own Redis or PostgreSQL Deployment (port from its generated Secret), or one elsewhere.</summary>
    private static (Endpoint, int) StoreEndpoint(RenderedOverlay r, Dictionary<string, Endpoint> deployments)
    {
        var silo = r.Containers(Workloads.SiloName).First();
        var adoNet = silo.Value("Cluster__Membership__Provider") == "AdoNet";
        var secretName = silo.Environment.Last(e => e.Name == "Cluster__Membership__ConnectionString").ValueFrom!.SecretKeyRef.Name;
        var secret = r.All<V1Secret>().SingleOrDefault(s => s.Metadata.Name == secretName);
        var text = secret?.Data?.TryGetValue("connection-string", out var bytes) == true ? Encoding.UTF8.GetString(bytes) : "";
        var match = adoNet ? PostgresPort().Match(text) : RedisPort().Match(text);
        var port = match.Success ? int.Parse(match.Groups[1].Value) : adoNet ? 5432 : 6379;
        var local = deployments.GetValueOrDefault(adoNet ? "postgres" : "redis");
        return (local ?? Endpoint.Outside("store"), port);
    }

    [GeneratedRegex(@"Port=(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex PostgresPort();

    [GeneratedRegex(@"^[^,:]+:(\d+)")]
    private static partial Regex RedisPort();
}
