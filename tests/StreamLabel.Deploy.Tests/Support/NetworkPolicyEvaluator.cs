using k8s.Models;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>A pod (or, with a null namespace, an address outside the cluster) as NetworkPolicies see it.</summary>
public sealed record Endpoint(string Name, string? Namespace, IDictionary<string, string> Labels, IReadOnlyList<V1ContainerPort> Ports)
{
    public static Endpoint Outside(string name) => new(name, null, new Dictionary<string, string>(), []);
    public static Endpoint Pod(string name, string ns, IDictionary<string, string> labels, IReadOnlyList<V1ContainerPort>? ports = null) => new(name, ns, labels, ports ?? []);
    public static Endpoint Of(V1Deployment d, string ns) =>
        new(d.Metadata.Name, ns, d.Spec.Template.Metadata.Labels, d.Spec.Template.Spec.Containers.SelectMany(c => c.Ports ?? []).ToList());
}

/// <summary>
/// Decides whether the NetworkPolicies of a rendered overlay let one endpoint open a connection to another, by the
/// rules of networking.k8s.io/v1: a pod selected by no policy of a direction is open in that direction; a selected pod
/// admits only what some rule of a selecting policy allows, and a connection needs both the source's egress and the
/// destination's ingress. Namespaces carry their kubernetes.io/metadata.name label, as the API server sets it.
/// </summary>
public sealed class NetworkPolicyEvaluator(IReadOnlyList<V1NetworkPolicy> policies)
{
    public bool Allows(Endpoint from, Endpoint to, int port, string protocol = "TCP") =>
        EgressAllows(from, to, port, protocol) && IngressAllows(from, to, port, protocol);

    private bool EgressAllows(Endpoint from, Endpoint to, int port, string protocol)
    {
        if (from.Namespace is null) return true;
        var selecting = Selecting(from, "Egress").ToList();
        return selecting.Count == 0 || selecting.Any(p => (p.Spec.Egress ?? []).Any(rule =>
            PortMatches(rule.Ports, to, port, protocol) && PeersMatch(rule.To, p.Metadata.NamespaceProperty, to)));
    }

    private bool IngressAllows(Endpoint from, Endpoint to, int port, string protocol)
    {
        if (to.Namespace is null) return true;
        var selecting = Selecting(to, "Ingress").ToList();
        return selecting.Count == 0 || selecting.Any(p => (p.Spec.Ingress ?? []).Any(rule =>
            PortMatches(rule.Ports, to, port, protocol) && PeersMatch(rule.FromProperty, p.Metadata.NamespaceProperty, from)));
    }

    private IEnumerable<V1NetworkPolicy> Selecting(Endpoint pod, string direction) =>
        policies.Where(p => p.Metadata.NamespaceProperty == pod.Namespace && Matches(p.Spec.PodSelector, pod.Labels) && Types(p).Contains(direction));

    /// <summary>policyTypes, or the API server's default: Ingress always, Egress when the policy has egress rules.</summary>
    private static IEnumerable<string> Types(V1NetworkPolicy p) =>
        p.Spec.PolicyTypes is { Count: > 0 } t ? t : p.Spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];

    private static bool PortMatches(IList<V1NetworkPolicyPort>? ports, Endpoint destination, int port, string protocol) =>
        ports is not { Count: > 0 } || ports.Any(p =>
        {
            if ((p.Protocol ?? "TCP") != protocol) return false;
            if (p.Port is null) return true;
            var value = p.Port.Value;
            // A named port is resolved on the destination pod's containers.
            var number = int.TryParse(value, out var n) ? n : destination.Ports.FirstOrDefault(cp => cp.Name == value && (cp.Protocol ?? "TCP") == protocol)?.ContainerPort;
            return number is int first && (port == first || (p.EndPort is int end && port >= first && port <= end));
        });

    private static bool PeersMatch(IList<V1NetworkPolicyPeer>? peers, string policyNamespace, Endpoint other) =>
        peers is not { Count: > 0 } || peers.Any(peer =>
        {
            if (peer.IpBlock is not null) return other.Namespace is null && peer.IpBlock.Cidr is "0.0.0.0/0" or "::/0";
            if (other.Namespace is null) return false;
            var namespaceOk = peer.NamespaceSelector is null
                ? other.Namespace == policyNamespace
                : Matches(peer.NamespaceSelector, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = other.Namespace });
            return namespaceOk && (peer.PodSelector is null || Matches(peer.PodSelector, other.Labels));
        });

    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string> labels)
    {
        if (selector is null) return true;
        foreach (var (k, v) in selector.MatchLabels ?? new Dictionary<string, string>())
            if (!labels.TryGetValue(k, out var actual) || actual != v) return false;
        foreach (var e in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(e.Key, out var value);
            var ok = e.OperatorProperty switch
            {
                "In" => has && e.Values.Contains(value!),
                "NotIn" => !has || !e.Values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => throw new InvalidOperationException($"unknown selector operator {e.OperatorProperty}"),
            };
            if (!ok) return false;
        }
        return true;
    }
}
