using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// The environment the manifests give the silo and the dashboard is made of keys those programs read, checked against
/// their settings classes (from the assemblies the Dockerfiles' publish commands build): a misspelled or stale key fails.
/// </summary>
[Collection(PublishedImagesCollection.Name)]
public sealed class SiloConfigurationTests(PublishedImages images)
{
    /// <summary>Orleans' UseSiloMetadata reads the whole Orleans:Metadata section (see the silo's Program.cs).</summary>
    private const string SiloMetadataPrefix = "Orleans:Metadata:";

    /// <summary>.NET host settings the manifests set; GracefulShutdownTests proves the host honours each.</summary>
    public static readonly string[] HostSettings = ["DOTNET_shutdownTimeoutSeconds"];

    /// <summary>.NET runtime settings the manifests set; MemoryBudgetTests proves the runtime honours each.</summary>
    public static readonly string[] RuntimeSettings = [MemoryBudgetTests.HeapLimitVariable];

    /// <summary>
    /// Keys of the dashboard's own section that the client branch adds (Dashboard:Token, issue-tracked); until it lands
    /// the client's assembly declares no Dashboard section. Once it does, the check below covers these keys too.
    /// </summary>
    private static readonly string[] PendingDashboardKeys = ["Dashboard__Token"];

    public static TheoryData<string> Overlays() => new(RepoPaths.OverlayNames());

    private SettingsCatalog Silo => SiloCatalog ??= SettingsCatalog.FromPublished(images.OutputOf("silo.Dockerfile"), "streamlabel-silo.dll");
    private static SettingsCatalog? SiloCatalog;

    [Fact]
    public void The_silo_settings_classes_are_found_by_reflection()
    {
        Assert.Contains("Cluster", Silo.Sections.Keys);
        Assert.Contains("Kafka", Silo.Sections.Keys);
        Assert.Contains("Health", Silo.Sections.Keys);
        Assert.True(Silo.Reads("Cluster__Membership__ConnectionString"));
        Assert.True(Silo.Reads("Kafka__Client__sasl.password"));
        Assert.True(Silo.Reads("Kafka__Topics__0"));
        // The check must be able to fail: near misses are not keys the silo reads.
        Assert.False(Silo.Reads("Cluster__Membership__Connectionstrin"));
        Assert.False(Silo.Reads("Cluster__Membership"));
        Assert.False(Silo.Reads("Kafka__Client__"));
        Assert.False(Silo.Reads("Kafka__Topics__first"));
        Assert.False(Silo.Reads("Kafka__Bootstrap"));
        Assert.Contains("POD_NAME", Silo.EnvironmentVariables);
        Assert.Contains("POD_IP", Silo.EnvironmentVariables);
    }

    /// <summary>The Kafka names the manifests rely on (KafkaTopics, ACLs, the lag trigger) are the silo's own defaults.</summary>
    [Fact]
    public void The_kafka_names_the_manifests_assume_are_the_silos_defaults()
    {
        Assert.Equal(KafkaNames.ConsumerGroup, Silo.Default("Kafka", "ConsumerGroup"));
        Assert.Equal(KafkaNames.DeadLetterTopic, Silo.Default("Kafka", "DeadLetterTopic"));
        Assert.Equal(KafkaNames.PredictionsTopic, Silo.Default("Student", "PredictionsTopic"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_variable_the_silo_containers_get_is_one_the_silo_reads(string overlay)
    {
        var unread = UnreadBySilo(RenderedOverlay.Of(overlay));
        Assert.True(unread.Count == 0, $"{overlay}: set but never read by the silo:\n" + string.Join("\n", unread));
    }

    [Theory]
    [InlineData("Kafka__BootstrapServers: kafka:9092", "Kafka__BootstrapServer: kafka:9092", "Kafka__BootstrapServer")] // ConfigMap typo
    [InlineData("name: Orleans__Metadata__accelerator", "name: Orleans__Metadata", "Orleans__Metadata")]             // a section, not a key
    [InlineData("name: Health__Urls", "name: Health__Url", "Health__Url")]                                          // env typo
    [InlineData("name: POD_IP", "name: POD_ADDRESS", "POD_ADDRESS")]                                                // read by nobody
    public void A_key_the_silo_does_not_read_is_caught(string find, string replace, string expected)
    {
        var dev = RenderedOverlay.Of("dev");
        var text = string.Join("\n---\n", dev.Objects.Select(o => o.Yaml));
        Assert.Contains(find, text);
        var unread = UnreadBySilo(RenderedOverlay.Parse("dev-broken", text.Replace(find, replace)));
        Assert.Contains(unread, u => u.Contains($": {expected} (from"));
    }

    private List<string> UnreadBySilo(RenderedOverlay overlay)
    {
        var containers = overlay.Containers(Workloads.SiloName).ToList();
        Assert.NotEmpty(containers);
        return containers.SelectMany(c => c.Environment.Where(e => !SiloReads(e.Name)).Select(e => $"{c.Where}: {e.Name} (from {e.Source})")).ToList();
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_silos_get_their_identity_from_the_downward_API(string overlay)
    {
        foreach (var c in RenderedOverlay.Of(overlay).Containers(Workloads.SiloName))
        {
            Assert.Equal("metadata.name", c.Environment.Single(e => e.Name == "POD_NAME").ValueFrom?.FieldRef?.FieldPath);
            Assert.Equal("status.podIP", c.Environment.Single(e => e.Name == "POD_IP").ValueFrom?.FieldRef?.FieldPath);
            // Several silos need shared membership: the single-silo Localhost provider would make each pod its own cluster.
            // Redis, or PostgreSQL through the AdoNet providers (components/postgres).
            Assert.Contains(c.Value("Cluster__Membership__Provider"), new[] { "Redis", "AdoNet" }, StringComparer.OrdinalIgnoreCase);
            Assert.NotEqual("Memory", c.Value("Cluster__Storage__Provider") ?? "Memory", StringComparer.OrdinalIgnoreCase);
            Assert.Contains(c.Environment, e => e.Name == "Cluster__Membership__ConnectionString");
            Assert.False(string.IsNullOrWhiteSpace(c.Value("Kafka__BootstrapServers")), $"{c.Where}: no Kafka__BootstrapServers, the silo would start its embedded broker");
        }
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Both_silo_tiers_join_the_same_cluster(string overlay)
    {
        var ids = RenderedOverlay.Of(overlay).Containers(Workloads.SiloName)
            .Select(c => (c.Value("Cluster__ClusterId"), c.Value("Cluster__ServiceId"), c.Value("Cluster__Membership__Provider"))).Distinct().ToList();
        Assert.Single(ids);
        Assert.NotNull(ids[0].Item1);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_dashboard_gets_only_keys_the_client_reads_and_the_silos_cluster_identity(string overlay)
    {
        var client = SettingsCatalog.FromPublished(images.OutputOf("dashboard.Dockerfile"), "streamlabel.dll");
        var rendered = RenderedOverlay.Of(overlay);
        var dashboard = Assert.Single(rendered.Containers(Workloads.DashboardName));
        var silo = rendered.Containers(Workloads.SiloName).First();
        foreach (var e in dashboard.Environment)
        {
            // The client reads the silo's Cluster section (gateways through the same membership) and its own sections.
            var known = client.Reads(e.Name) || (e.Name.StartsWith("Cluster__", StringComparison.Ordinal) && Silo.Reads(e.Name))
                        || PendingDashboardKeys.Contains(e.Name);
            Assert.True(known, $"{overlay}: {dashboard.Where} sets {e.Name}, which neither the client nor the Cluster section reads");
        }
        Assert.Equal(silo.Value("Cluster__ClusterId"), dashboard.Value("Cluster__ClusterId"));
        Assert.Equal(silo.Value("Cluster__Membership__Provider"), dashboard.Value("Cluster__Membership__Provider"));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Container_ports_are_the_silos_configured_ports(string overlay) =>
        Assert.Empty(PortProblems(RenderedOverlay.Of(overlay)));

    [Theory]
    [InlineData("containerPort: 30000", "containerPort: 30001", "gateway port 30001")]
    [InlineData("containerPort: 11111", "containerPort: 11112", "silo port 11112")]
    [InlineData("value: http://0.0.0.0:8080", "value: http://0.0.0.0:8081", "health port 8080")]
    [InlineData("value: http://0.0.0.0:8080", "value: http://127.0.0.1:8080", "not reachable")]
    public void A_port_that_differs_from_the_silos_is_caught(string find, string replace, string expected)
    {
        var text = string.Join("\n---\n", RenderedOverlay.Of("dev").Objects.Select(o => o.Yaml));
        Assert.Contains(find, text);
        Assert.Contains(PortProblems(RenderedOverlay.Parse("dev-broken", text.Replace(find, replace))), p => p.Contains(expected));
    }

    private IEnumerable<string> PortProblems(RenderedOverlay overlay)
    {
        foreach (var c in overlay.Containers(Workloads.SiloName))
        {
            int Port(string key, string property) => int.Parse(c.Value(key) ?? Silo.Default("Cluster", property)!.ToString()!);
            var ports = c.Container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
            if (ports.GetValueOrDefault("silo") != Port("Cluster__SiloPort", "SiloPort"))
                yield return $"{c.Where}: silo port {ports.GetValueOrDefault("silo")}, the silo listens on {Port("Cluster__SiloPort", "SiloPort")}";
            if (ports.GetValueOrDefault("gateway") != Port("Cluster__GatewayPort", "GatewayPort"))
                yield return $"{c.Where}: gateway port {ports.GetValueOrDefault("gateway")}, the silo listens on {Port("Cluster__GatewayPort", "GatewayPort")}";
            // The health endpoint listens where Health:Urls says, on all interfaces (probes come from the kubelet).
            var urls = c.Value("Health__Urls") ?? (string)Silo.Default("Health", "Urls")!;
            var url = new Uri(urls.Split(';')[0].Replace("+", "0.0.0.0").Replace("*", "0.0.0.0"));
            if (url.Host is not ("0.0.0.0" or "[::]")) yield return $"{c.Where}: Health__Urls {urls} is not reachable by the kubelet's probes";
            if (ports.GetValueOrDefault("health") != url.Port) yield return $"{c.Where}: health port {ports.GetValueOrDefault("health")}, Health__Urls says {url.Port}";
            foreach (var probe in new[] { c.Container.LivenessProbe, c.Container.ReadinessProbe, c.Container.StartupProbe }.Where(p => p is not null))
                if (probe!.HttpGet?.Port?.Value != "health") yield return $"{c.Where}: a probe does not use the health port";
        }
    }

    private bool SiloReads(string name) =>
        Silo.Reads(name) || Silo.EnvironmentVariables.Contains(name) || HostSettings.Contains(name) || RuntimeSettings.Contains(name)
        || (name.Replace("__", ":").StartsWith(SiloMetadataPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > SiloMetadataPrefix.Length);
}
