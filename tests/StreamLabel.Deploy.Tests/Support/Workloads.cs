using k8s.Models;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>A container of a rendered Deployment, with the environment it will see (env and envFrom ConfigMaps).</summary>
public sealed record WorkloadContainer(V1Deployment Deployment, V1Container Container, IReadOnlyList<EnvironmentEntry> Environment)
{
    public string Where => $"Deployment/{Deployment.Metadata.Name} container {Container.Name}";

    /// <summary>The literal value an environment variable gets (from env value or a ConfigMap), null when unset or from a secret/field.</summary>
    public string? Value(string name) => Environment.LastOrDefault(e => e.Name == name)?.Value;
}

/// <summary>One environment variable: a literal value, a reference (secret/field), and where it came from.</summary>
public sealed record EnvironmentEntry(string Name, string? Value, V1EnvVarSource? ValueFrom, string Source);

/// <summary>Finds the StreamLabel workloads of a rendered overlay by their labels.</summary>
public static class Workloads
{
    public const string NameLabel = "app.kubernetes.io/name";
    public const string SiloName = "streamlabel-silo";
    public const string DashboardName = "streamlabel-dashboard";

    public static IEnumerable<V1Deployment> Deployments(this RenderedOverlay overlay, string appName) =>
        overlay.All<V1Deployment>().Where(d => d.Spec.Template.Metadata.Labels.TryGetValue(NameLabel, out var n) && n == appName);

    public static IEnumerable<WorkloadContainer> Containers(this RenderedOverlay overlay, string appName)
    {
        var configMaps = overlay.All<V1ConfigMap>().ToDictionary(c => c.Metadata.Name);
        foreach (var deployment in overlay.Deployments(appName))
        foreach (var container in deployment.Spec.Template.Spec.Containers)
        {
            var env = new List<EnvironmentEntry>();
            foreach (var from in container.EnvFrom ?? [])
            {
                if (from.ConfigMapRef is { } cm)
                {
                    if (!configMaps.TryGetValue(cm.Name, out var map))
                        throw new InvalidOperationException($"{overlay.Overlay}: Deployment/{deployment.Metadata.Name} reads ConfigMap {cm.Name}, which the overlay does not create");
                    env.AddRange((map.Data ?? new Dictionary<string, string>()).Select(kv => new EnvironmentEntry((from.Prefix ?? "") + kv.Key, kv.Value, null, $"ConfigMap/{cm.Name}")));
                }
                if (from.SecretRef is { } s)
                    throw new InvalidOperationException($"{overlay.Overlay}: envFrom Secret {s.Name} hides which keys are set; use env with secretKeyRef");
            }
            env.AddRange((container.Env ?? []).Select(e => new EnvironmentEntry(e.Name, e.Value, e.ValueFrom, "env")));
            yield return new WorkloadContainer(deployment, container, env);
        }
    }

    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
