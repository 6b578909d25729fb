using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>One object of a rendered overlay: its identity, its YAML, and (for built-in kinds) its typed API model.</summary>
public sealed record RenderedObject(string ApiVersion, string Kind, string Name, string? Namespace, string Yaml,
    IDictionary<object, object> Raw)
{
    public string Id => $"{Kind}/{Name}";
    public bool IsBuiltIn => KubernetesSchema.IsKnown(ApiVersion, Kind);
}

/// <summary>The output of `kubectl kustomize` for one overlay, split into objects; built-in kinds strictly typed.</summary>
public sealed partial class RenderedOverlay
{
    private static readonly Dictionary<string, RenderedOverlay> Cache = [];
    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();

    public string Overlay { get; }
    public IReadOnlyList<RenderedObject> Objects { get; }
    private readonly Dictionary<RenderedObject, object> typed = [];

    private RenderedOverlay(string overlay, IReadOnlyList<RenderedObject> objects) { Overlay = overlay; Objects = objects; }

    public static RenderedOverlay Of(string overlay)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(overlay, out var rendered))
                Cache[overlay] = rendered = Parse(overlay, Kubectl.Kustomize(Path.Combine(RepoPaths.Overlays, overlay)));
            return rendered;
        }
    }

    public static RenderedOverlay Parse(string overlay, string text)
    {
        var objects = new List<RenderedObject>();
        foreach (var doc in DocumentSeparator().Split(text).Where(d => !string.IsNullOrWhiteSpace(d)))
        {
            var raw = Yaml.Deserialize<Dictionary<object, object>>(doc)
                      ?? throw new InvalidOperationException($"{overlay}: an empty YAML document");
            string Field(IDictionary<object, object> map, string key) =>
                map.TryGetValue(key, out var v) && v is string s ? s : throw new InvalidOperationException($"{overlay}: an object without {key}:\n{doc}");
            var metadata = raw.TryGetValue("metadata", out var m) && m is IDictionary<object, object> md ? md
                : throw new InvalidOperationException($"{overlay}: an object without metadata:\n{doc}");
            objects.Add(new RenderedObject(Field(raw, "apiVersion"), Field(raw, "kind"), Field(metadata, "name"),
                metadata.TryGetValue("namespace", out var ns) ? ns as string : null, doc, raw));
        }
        return new RenderedOverlay(overlay, objects);
    }

    /// <summary>The strictly read API model of a built-in object (throws on unknown fields).</summary>
    public object Typed(RenderedObject o)
    {
        lock (typed)
        {
            if (!typed.TryGetValue(o, out var t)) typed[o] = t = KubernetesSchema.ReadStrict(o.Yaml, o.ApiVersion, o.Kind);
            return t;
        }
    }

    public IEnumerable<T> All<T>() => Objects.Where(o => o.IsBuiltIn).Select(Typed).OfType<T>();

    public IEnumerable<RenderedObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();
}
