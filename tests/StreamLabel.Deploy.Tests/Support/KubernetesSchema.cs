using System.Reflection;
using k8s;
using k8s.Models;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>
/// The Kubernetes API types of KubernetesClient (generated from the API's OpenAPI document), looked up by
/// apiVersion/kind, and a strict YAML reader: a field the type does not have fails, as `kubectl apply` with server-side
/// field validation would.
/// </summary>
public static class KubernetesSchema
{
    private static readonly Dictionary<string, Type> TypesByKey = typeof(V1Pod).Assembly.GetTypes()
        .Where(t => typeof(IKubernetesObject).IsAssignableFrom(t) && t.GetCustomAttribute<KubernetesEntityAttribute>() is not null)
        .GroupBy(t => Key(t.GetCustomAttribute<KubernetesEntityAttribute>()!))
        .ToDictionary(g => g.Key, g => g.First());

    public static string Key(string apiVersion, string kind) => $"{apiVersion}/{kind}";

    private static string Key(KubernetesEntityAttribute a) =>
        Key(string.IsNullOrEmpty(a.Group) ? a.ApiVersion : $"{a.Group}/{a.ApiVersion}", a.Kind);

    public static bool IsKnown(string apiVersion, string kind) => TypesByKey.ContainsKey(Key(apiVersion, kind));

    /// <summary>Reads one object strictly into its API type, then runs the type's own required-field validation.</summary>
    public static object ReadStrict(string yaml, string apiVersion, string kind)
    {
        var key = Key(apiVersion, kind);
        if (!TypesByKey.TryGetValue(key, out var type))
            throw new InvalidOperationException($"{key} is not a Kubernetes API type known to KubernetesClient");
        var objects = KubernetesYaml.LoadAllFromString(yaml, new Dictionary<string, Type> { [key] = type }, strict: true);
        var single = objects.Single();
        type.GetMethod("Validate", Type.EmptyTypes)?.Invoke(single, null);
        return single;
    }

    /// <summary>Reads a fragment (e.g. the metadata of a custom resource) strictly as API type T.</summary>
    public static T ReadStrict<T>(string yaml) => KubernetesYaml.Deserialize<T>(yaml, strict: true);
}
