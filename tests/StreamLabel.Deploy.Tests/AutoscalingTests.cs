using k8s.Models;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// The CPU tier is sized by KEDA alone: a ScaledObject on the silos' consumer lag (capped at the partitions) with CPU as
/// a second trigger, and no replica count in the Deployment for `kubectl apply` to reset.
/// </summary>
public sealed class AutoscalingTests
{
    public static TheoryData<string> Overlays() => new(RepoPaths.OverlayNames());

    [Theory, MemberData(nameof(Overlays))]
    public void Scaled_deployments_leave_the_replica_count_to_their_autoscaler(string overlay) =>
        Assert.Empty(ReplicaProblems(RenderedOverlay.Of(overlay)));

    [Theory, MemberData(nameof(Overlays))]
    public void The_cpu_silos_scale_on_their_groups_lag_capped_at_the_partitions_with_cpu_second(string overlay) =>
        Assert.Empty(ScalerProblems(RenderedOverlay.Of(overlay)));

    [Theory, MemberData(nameof(Overlays))]
    public void The_lag_trigger_reaches_kafka_as_the_silos_do(string overlay) =>
        Assert.Empty(TriggerAuthenticationProblems(RenderedOverlay.Of(overlay)));

    [Theory]
    [InlineData("dev", "spec:\n  selector:", "spec:\n  replicas: 5\n  selector:", "sets replicas: 5")]
    [InlineData("dev", "consumerGroup: streamlabel", "consumerGroup: streamlabel-other", "consumer group")]
    [InlineData("dev", "topic: events", "topic: event", "topics")]
    [InlineData("dev", "type: cpu", "type: memory", "no cpu trigger")]
    [InlineData("strimzi", "maxReplicaCount: 3", "maxReplicaCount: 9", "above the 8 partitions")]
    [InlineData("strimzi", "sasl: scram_sha512", "sasl: plaintext", "sasl")]
    [InlineData("prod", "key: ca.crt\n    name: streamlabel-kafka-ca", "key: ca.crt\n    name: streamlabel-other-ca", "CA")]
    [InlineData("confluent", "parameter: password", "parameter: passwd", "password")]
    public void A_broken_scaler_is_caught(string overlay, string find, string replace, string expected)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var text = string.Join("\n---\n", rendered.Objects.Select(o => o.Kind is "ScaledObject" or "TriggerAuthentication" || o.Name == "silo-cpu" ? o.Yaml.Replace(find, replace) : o.Yaml));
        Assert.NotEqual(string.Join("\n---\n", rendered.Objects.Select(o => o.Yaml)), text);
        var broken = RenderedOverlay.Parse(overlay + "-broken", text);
        var problems = ReplicaProblems(broken).Concat(ScalerProblems(broken)).Concat(TriggerAuthenticationProblems(broken)).ToList();
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Deployments resized by an autoscaler, HorizontalPodAutoscaler or KEDA ScaledObject, with the scaler's id.</summary>
    private static IEnumerable<(string Scaler, string Deployment)> ScaledDeployments(RenderedOverlay r) =>
        r.All<V2HorizontalPodAutoscaler>().Where(h => h.Spec.ScaleTargetRef.Kind == "Deployment")
            .Select(h => ($"HorizontalPodAutoscaler/{h.Metadata.Name}", h.Spec.ScaleTargetRef.Name))
            .Concat(r.OfKind("ScaledObject").Select(s => (s.Id, s.Raw.Map("spec", "scaleTargetRef").Text("name")!)));

    private static IEnumerable<string> ReplicaProblems(RenderedOverlay r)
    {
        var scaled = ScaledDeployments(r).ToList();
        if (!scaled.Any(s => s.Deployment == "silo-cpu")) yield return $"{r.Overlay}: Deployment/silo-cpu has no autoscaler";
        foreach (var (scaler, name) in scaled)
        {
            var d = r.All<V1Deployment>().SingleOrDefault(d => d.Metadata.Name == name);
            if (d is null) yield return $"{r.Overlay}: {scaler} targets Deployment/{name}, which is not rendered";
            // kubectl apply would set the count back on every deploy, undoing a scale-out.
            else if (d.Spec.Replicas is int n) yield return $"{r.Overlay}: Deployment/{name} sets replicas: {n}, but {scaler} owns the count";
        }
    }

    private static IEnumerable<string> ScalerProblems(RenderedOverlay r)
    {
        // A ScaledObject creates its own HorizontalPodAutoscaler; a second one would fight it.
        foreach (var hpa in r.All<V2HorizontalPodAutoscaler>()) yield return $"{r.Overlay}: HorizontalPodAutoscaler/{hpa.Metadata.Name} besides KEDA's";
        var scaledObjects = r.OfKind("ScaledObject").ToList();
        if (scaledObjects.Count != 1) { yield return $"{r.Overlay}: expected one ScaledObject, found {scaledObjects.Count}"; yield break; }
        var so = scaledObjects[0];
        var spec = so.Raw.Map("spec");
        var target = spec.Map("scaleTargetRef");
        var silo = r.Containers(Workloads.SiloName).SingleOrDefault(c => c.Deployment.Metadata.Name == target.Text("name") && c.Container.Name == target.Text("envSourceContainerName"));
        if (silo is null || silo.Value(GpuTierTests.AcceleratorVariable) != "cpu")
        {
            yield return $"{r.Overlay}: {so.Id} does not target the silo container of the CPU tier ({target.Text("name")}/{target.Text("envSourceContainerName")})";
            yield break;
        }
        int min = RawFields.Int(spec.Text("minReplicaCount") ?? "0"), max = RawFields.Int(spec.Text("maxReplicaCount") ?? "100");
        if (spec.Text("maxReplicaCount") is null) yield return $"{r.Overlay}: {so.Id} has no maxReplicaCount";
        // Students and partitions need a silo to live on: the CPU tier never scales to zero.
        if (min < 1 || min > max) yield return $"{r.Overlay}: {so.Id} replica bounds {min}..{max}";

        var triggers = spec.Maps("triggers");
        var lag = triggers.Where(t => t.Text("type") == "kafka").Select(t => t.Map("metadata")).ToList();
        var topics = lag.Select(m => m.Text("topic")).ToHashSet();
        if (!topics.SetEquals(KafkaNames.ConsumedTopics(silo)))
            yield return $"{r.Overlay}: {so.Id} measures lag on topics {string.Join(",", topics)}, the silos read {string.Join(",", KafkaNames.ConsumedTopics(silo))}";
        foreach (var m in lag)
        {
            if (m.Text("consumerGroup") != KafkaNames.GroupOf(silo)) yield return $"{r.Overlay}: {so.Id} reads consumer group {m.Text("consumerGroup")}, the silos commit to {KafkaNames.GroupOf(silo)}";
            var servers = m.Text("bootstrapServers") ?? (m.Text("bootstrapServersFromEnv") is { } env ? silo.Value(env) : null);
            if (servers is null || servers != silo.Value("Kafka__BootstrapServers")) yield return $"{r.Overlay}: {so.Id} bootstrap servers '{servers}' are not the silos' '{silo.Value("Kafka__BootstrapServers")}'";
            if (!long.TryParse(m.Text("lagThreshold"), out var threshold) || threshold < 1) yield return $"{r.Overlay}: {so.Id} lagThreshold '{m.Text("lagThreshold")}' is not a positive count";
            // allowIdleConsumers would let KEDA add silos that own no partition.
            if (m.Text("allowIdleConsumers") == "true") yield return $"{r.Overlay}: {so.Id} allows idle consumers";
            var reset = silo.Value("Kafka__Client__auto.offset.reset") ?? KafkaNames.OffsetReset;
            if ((m.Text("offsetResetPolicy") ?? "latest") != reset) yield return $"{r.Overlay}: {so.Id} offsetResetPolicy is not the silos' {reset}";
            var topic = r.OfKind("KafkaTopic").FirstOrDefault(t => (t.Raw.Map("spec").Text("topicName") ?? t.Name) == m.Text("topic"));
            if (topic is not null && max > RawFields.Int(topic.Raw.Map("spec").Text("partitions")!))
                yield return $"{r.Overlay}: {so.Id} maxReplicaCount {max} is above the {topic.Raw.Map("spec").Text("partitions")} partitions of {m.Text("topic")}";
        }

        var cpu = triggers.SingleOrDefault(t => t.Text("type") == "cpu");
        if (cpu is null) yield return $"{r.Overlay}: {so.Id} has no cpu trigger";
        else
        {
            if (cpu.Text("metricType") != "Utilization" || !int.TryParse(cpu.Map("metadata").Text("value"), out var percent) || percent is < 1 or > 100)
                yield return $"{r.Overlay}: {so.Id} cpu trigger is not a utilization percentage";
            // Utilization is measured against requests: every container needs a CPU request.
            foreach (var c in silo.Deployment.Spec.Template.Spec.Containers.Where(c => c.Resources?.Requests?.ContainsKey("cpu") != true))
                yield return $"{r.Overlay}: {c.Name} has no CPU request for the cpu trigger";
        }
        var scaleDown = spec.MapOrNull("advanced", "horizontalPodAutoscalerConfig", "behavior", "scaleDown");
        // Each silo that leaves hands its grains and partitions over: one at a time.
        if (scaleDown is null || scaleDown.Maps("policies").Any(p => p.Text("type") != "Pods" || p.Text("value") != "1"))
            yield return $"{r.Overlay}: {so.Id} does not scale down one pod at a time";
    }

    private static IEnumerable<string> TriggerAuthenticationProblems(RenderedOverlay r)
    {
        foreach (var so in r.OfKind("ScaledObject"))
        {
            var target = so.Raw.Map("spec", "scaleTargetRef");
            var silo = r.Containers(Workloads.SiloName).Single(c => c.Deployment.Metadata.Name == target.Text("name") && c.Container.Name == target.Text("envSourceContainerName"));
            var protocol = silo.Value("Kafka__Client__security.protocol") ?? "PLAINTEXT";
            var expectedSasl = !protocol.StartsWith("SASL_", StringComparison.Ordinal) ? "none"
                : silo.Value("Kafka__Client__sasl.mechanism") switch { "PLAIN" => "plaintext", "SCRAM-SHA-512" => "scram_sha512", "SCRAM-SHA-256" => "scram_sha256", var m => $"(no KEDA name for {m})" };
            var expectedTls = protocol is "SSL" or "SASL_SSL" ? "enable" : "disable";
            foreach (var trigger in so.Raw.Maps("spec", "triggers").Where(t => t.Text("type") == "kafka"))
            {
                var m = trigger.Map("metadata");
                if ((m.Text("sasl") ?? "none") != expectedSasl) yield return $"{r.Overlay}: {so.Id} sasl '{m.Text("sasl")}', the silos use {protocol} {silo.Value("Kafka__Client__sasl.mechanism")}";
                if ((m.Text("tls") ?? "disable") != expectedTls) yield return $"{r.Overlay}: {so.Id} tls '{m.Text("tls")}', the silos use {protocol}";
                var refName = trigger.MapOrNull("authenticationRef")?.Text("name");
                if (expectedSasl == "none") continue;
                var auth = r.OfKind("TriggerAuthentication").SingleOrDefault(a => a.Name == refName);
                if (auth is null) { yield return $"{r.Overlay}: {so.Id} uses SASL without a rendered TriggerAuthentication ('{refName}')"; continue; }
                var parameters = Parameters(auth, silo).ToList();
                var user = parameters.Where(p => p.Name == "username").ToList();
                if (user.Count != 1 || user[0].Value != silo.Value("Kafka__Client__sasl.username"))
                    yield return $"{r.Overlay}: {auth.Id} username is not the silos' {silo.Value("Kafka__Client__sasl.username")}";
                var password = silo.Environment.LastOrDefault(e => e.Name == "Kafka__Client__sasl.password")?.ValueFrom?.SecretKeyRef;
                if (!parameters.Any(p => p.Name == "password" && p.Secret is not null && p.Secret == (password?.Name, password?.Key)))
                    yield return $"{r.Overlay}: {auth.Id} password is not the silos' Secret {password?.Name}/{password?.Key}";
                var ca = parameters.SingleOrDefault(p => p.Name == "ca");
                var caFile = silo.Value("Kafka__Client__ssl.ca.location");
                var caSecret = caFile is null ? null : CaSecretOf(silo, caFile);
                // Without a CA file the silos trust the system roots, and so does KEDA without a "ca" parameter.
                if (caSecret is null ? ca is not null : ca?.Secret != caSecret)
                    yield return $"{r.Overlay}: {auth.Id} CA {ca?.Secret} differs from the silos' {caSecret?.ToString() ?? "system roots"}";
            }
        }
    }

    private sealed record Parameter(string Name, string? Value, (string?, string?)? Secret);

    /// <summary>A TriggerAuthentication's parameters, resolved as KEDA does: env from the silo container, or a Secret key.</summary>
    private static IEnumerable<Parameter> Parameters(RenderedObject auth, WorkloadContainer silo)
    {
        var spec = auth.Raw.Map("spec");
        foreach (var s in spec.ContainsKey("secretTargetRef") ? spec.Maps("secretTargetRef") : [])
            yield return new Parameter(s.Text("parameter")!, null, (s.Text("name"), s.Text("key")));
        foreach (var e in spec.ContainsKey("env") ? spec.Maps("env") : [])
        {
            var entry = silo.Environment.LastOrDefault(x => x.Name == e.Text("name"));
            var secret = entry?.ValueFrom?.SecretKeyRef;
            yield return new Parameter(e.Text("parameter")!, entry?.Value, secret is null ? null : (secret.Name, secret.Key));
        }
    }

    private static (string?, string?)? CaSecretOf(WorkloadContainer silo, string caFile)
    {
        var mount = silo.Container.VolumeMounts?.SingleOrDefault(m => caFile.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        var volume = silo.Deployment.Spec.Template.Spec.Volumes?.SingleOrDefault(v => v.Name == mount?.Name);
        var item = volume?.Secret?.Items?.SingleOrDefault(i => i.Path == Path.GetFileName(caFile));
        return volume?.Secret is null ? null : (volume.Secret.SecretName, item?.Key);
    }
}
