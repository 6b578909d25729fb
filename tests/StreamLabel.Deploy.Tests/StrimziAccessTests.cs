using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// What the Strimzi Kafka lets the silos do: every topic they use exists as a KafkaTopic, their KafkaUser holds exactly
/// the ACLs their work needs (read what they consume in their own group, write the two output topics), and only the
/// silos and KEDA reach the listener.
/// </summary>
public sealed class StrimziAccessTests
{
    public static TheoryData<string> StrimziOverlays() =>
        new(RepoPaths.OverlayNames().Where(o => RenderedOverlay.Of(o).OfKind("Kafka").Any()));

    [Theory, MemberData(nameof(StrimziOverlays))]
    public void Every_topic_the_silos_read_or_write_is_a_kafka_topic(string overlay) => Assert.Empty(TopicProblems(RenderedOverlay.Of(overlay)));

    [Theory, MemberData(nameof(StrimziOverlays))]
    public void The_kafka_user_may_do_what_the_silos_do_and_no_more(string overlay) => Assert.Empty(AclProblems(RenderedOverlay.Of(overlay)));

    [Theory, MemberData(nameof(StrimziOverlays))]
    public void Only_the_silos_and_keda_reach_the_listener(string overlay) => Assert.Empty(ListenerPeerProblems(RenderedOverlay.Of(overlay)));

    [Theory]
    [InlineData("name: streamlabel\n        patternType: literal\n        type: group", "name: '*'\n        patternType: literal\n        type: group", "group/*")]
    [InlineData("name: events\n        patternType: literal", "name: events\n        patternType: prefix", "prefix")]
    [InlineData("- Write\n      resource:\n        name: streamlabel-predictions", "- Read\n      resource:\n        name: streamlabel-predictions", "topic/streamlabel-predictions")]
    [InlineData("name: streamlabel-dead-letters\n  namespace", "name: streamlabel-deadletters\n  namespace", "no KafkaTopic")]
    [InlineData("kubernetes.io/metadata.name: keda", "kubernetes.io/metadata.name: kube-system", "KEDA")]
    [InlineData("auto.create.topics.enable: false", "auto.create.topics.enable: true", "creates topics automatically")]
    public void Broken_access_is_caught(string find, string replace, string expected)
    {
        var rendered = RenderedOverlay.Of("strimzi");
        var text = string.Join("\n---\n", rendered.Objects.Select(o => o.Yaml));
        Assert.Contains(find, text);
        var broken = RenderedOverlay.Parse("strimzi-broken", text.Replace(find, replace));
        var problems = TopicProblems(broken).Concat(AclProblems(broken)).Concat(ListenerPeerProblems(broken)).ToList();
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    private static IEnumerable<string> TopicProblems(RenderedOverlay r)
    {
        // With automatic creation a misspelled topic would be created empty instead of failing.
        foreach (var kafka in r.OfKind("Kafka"))
            if (kafka.Raw.MapOrNull("spec", "kafka", "config")?.Text("auto.create.topics.enable") != "false")
                yield return $"{r.Overlay}: {kafka.Id} creates topics automatically";
        var topics = r.OfKind("KafkaTopic").Select(t => t.Raw.Map("spec").Text("topicName") ?? t.Name).ToHashSet();
        foreach (var silo in r.Containers(Workloads.SiloName))
        foreach (var topic in KafkaNames.ConsumedTopics(silo).Concat(KafkaNames.OutputTopics(silo)))
            if (!topics.Contains(topic)) yield return $"{r.Overlay}: {silo.Where} uses topic {topic}, which has no KafkaTopic";
    }

    /// <summary>Expected ACLs by resource ("topic/events", "group/streamlabel") from what the silo containers read and write.</summary>
    private static Dictionary<string, SortedSet<string>> NeededAcls(RenderedOverlay r)
    {
        var needed = new Dictionary<string, SortedSet<string>>();
        void Need(string resource, params string[] operations)
        {
            if (!needed.TryGetValue(resource, out var set)) needed[resource] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.UnionWith(operations);
        }
        foreach (var silo in r.Containers(Workloads.SiloName))
        {
            foreach (var topic in KafkaNames.ConsumedTopics(silo)) Need($"topic/{topic}", "Describe", "Read");
            foreach (var topic in KafkaNames.OutputTopics(silo)) Need($"topic/{topic}", "Create", "Describe", "Write");
            Need($"group/{KafkaNames.GroupOf(silo)}", "Read");
        }
        return needed;
    }

    private static IEnumerable<string> AclProblems(RenderedOverlay r)
    {
        var needed = NeededAcls(r);
        foreach (var silo in r.Containers(Workloads.SiloName).Select(c => c.Value("Kafka__Client__sasl.username")).Distinct())
        {
            var user = r.OfKind("KafkaUser").SingleOrDefault(u => u.Name == silo);
            if (user is null) { yield return $"{r.Overlay}: the silos' user {silo} is no KafkaUser"; continue; }
            var granted = new Dictionary<string, SortedSet<string>>();
            foreach (var acl in user.Raw.Maps("spec", "authorization", "acls"))
            {
                var resource = acl.Map("resource");
                var id = $"{resource.Text("type")}/{resource.Text("name")}";
                // A prefix or a wildcard grants on resources the silos never use (today's and tomorrow's).
                if ((resource.Text("patternType") ?? "literal") != "literal") yield return $"{r.Overlay}: {user.Id} grants on {id} by prefix";
                if ((acl.Text("type") ?? "allow") != "allow") continue;
                if (!granted.TryGetValue(id, out var ops)) granted[id] = ops = new SortedSet<string>(StringComparer.Ordinal);
                ops.UnionWith(acl.List("operations").Select(o => o.ToString()!));
            }
            foreach (var (id, ops) in needed)
                if (!granted.TryGetValue(id, out var g) || !g.SetEquals(ops))
                    yield return $"{r.Overlay}: {user.Id} grants {id} [{string.Join(",", g ?? [])}], the silos need [{string.Join(",", ops)}]";
            foreach (var id in granted.Keys.Except(needed.Keys))
                yield return $"{r.Overlay}: {user.Id} grants on {id}, which the silos do not use";
        }
    }

    private static IEnumerable<string> ListenerPeerProblems(RenderedOverlay r)
    {
        var kafka = r.OfKind("Kafka").Single();
        var ports = r.Containers(Workloads.SiloName).Select(c => c.Value("Kafka__BootstrapServers")!.Split(':')[^1]).ToHashSet();
        foreach (var listener in kafka.Raw.Maps("spec", "kafka", "listeners").Where(l => ports.Contains(l.Text("port")!)))
        {
            // Without peers Strimzi's NetworkPolicy lets every pod in the cluster reach the listener.
            var peers = listener.ContainsKey("networkPolicyPeers") ? listener.Maps("networkPolicyPeers") : [];
            if (!peers.Any(p => p.MapOrNull("podSelector", "matchLabels")?.Text(Workloads.NameLabel) == Workloads.SiloName && !p.ContainsKey("namespaceSelector")))
                yield return $"{r.Overlay}: listener {listener.Text("name")} does not admit the silo pods by label";
            if (!peers.Any(p => p.MapOrNull("namespaceSelector", "matchLabels")?.Text("kubernetes.io/metadata.name") == "keda"))
                yield return $"{r.Overlay}: listener {listener.Text("name")} does not admit KEDA's operator (namespace keda), which reads the lag";
            if (peers.Any(p => p.Count == 0 || p.MapOrNull("podSelector") is { Count: 0 } || p.MapOrNull("namespaceSelector") is { Count: 0 }))
                yield return $"{r.Overlay}: listener {listener.Text("name")} admits every pod through an empty selector";
        }
    }
}
