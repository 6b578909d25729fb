using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>
/// A hand-written piece of a custom resource's OpenAPI schema: which fields an object allows and requires, the type of
/// each scalar, enums and minimums. Custom resources have no KubernetesClient type to read them strictly, so their
/// structure is checked against these shapes instead (written from the operators' CRDs, see CustomResourceShapes).
/// </summary>
public sealed partial class Shape
{
    private enum Kind { Object, Map, List, String, Integer, Boolean, Any, Typed }

    private Kind kind;
    private Dictionary<string, Shape> fields = new();
    private string[] required = [];
    private string[]? allowed;
    private long? minimum;
    private int minItems;
    private Shape? element;
    private Func<string, IEnumerable<string>>? typedReader;

    public static Shape Any => new() { kind = Kind.Any };
    public static Shape Bool => new() { kind = Kind.Boolean };
    public static Shape Str(params string[] values) => new() { kind = Kind.String, allowed = values.Length > 0 ? values : null };
    public static Shape Int(long? min = null) => new() { kind = Kind.Integer, minimum = min };
    public static Shape List(Shape items, int minItems = 0) => new() { kind = Kind.List, element = items, minItems = minItems };
    /// <summary>additionalProperties: any key, every value of one shape (e.g. KEDA's trigger metadata: strings only).</summary>
    public static Shape MapOf(Shape values) => new() { kind = Kind.Map, element = values };
    public static Shape Obj(params (string Name, Shape Shape)[] fields) => new() { kind = Kind.Object, fields = fields.ToDictionary(f => f.Name, f => f.Shape) };

    /// <summary>A field whose schema is a Kubernetes API type (e.g. a LabelSelector): read strictly as that type.</summary>
    public static Shape Typed<T>() => new()
    {
        kind = Kind.Typed,
        typedReader = yaml =>
        {
            try { KubernetesSchema.ReadStrict<T>(yaml); return []; }
            catch (Exception e) { return [$"is not a valid {typeof(T).Name}: {e.Message}"]; }
        },
    };

    public Shape Requires(params string[] names)
    {
        var unknown = names.Where(n => !fields.ContainsKey(n)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"required fields {string.Join(", ", unknown)} are not fields of the shape");
        required = names;
        return this;
    }

    /// <summary>Every way <paramref name="node"/> departs from the shape, each prefixed with its path.</summary>
    public IEnumerable<string> Problems(YamlNode node, string path)
    {
        switch (kind)
        {
            case Kind.Any:
                yield break;
            case Kind.Typed:
                foreach (var p in typedReader!(new YamlStream(new YamlDocument(node)).ToText())) yield return $"{path} {p}";
                yield break;
            case Kind.Object or Kind.Map:
                if (node is not YamlMappingNode map) { yield return $"{path} must be an object"; yield break; }
                var keys = map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();
                foreach (var name in required.Where(r => !keys.Contains(r))) yield return $"{path}.{name} is required";
                foreach (var (k, v) in map.Children)
                {
                    var key = ((YamlScalarNode)k).Value!;
                    var child = kind == Kind.Map ? element : fields.GetValueOrDefault(key);
                    if (child is null) { yield return $"{path}.{key} is not a field of this kind"; continue; }
                    foreach (var p in child.Problems(v, $"{path}.{key}")) yield return p;
                }
                yield break;
            case Kind.List:
                if (node is not YamlSequenceNode list) { yield return $"{path} must be a list"; yield break; }
                if (list.Children.Count < minItems) yield return $"{path} needs at least {minItems} item(s)";
                for (var i = 0; i < list.Children.Count; i++)
                    foreach (var p in element!.Problems(list.Children[i], $"{path}[{i}]")) yield return p;
                yield break;
            default:
                if (node is not YamlScalarNode scalar) { yield return $"{path} must be a {kind.ToString().ToLowerInvariant()}"; yield break; }
                var actual = ScalarType(scalar);
                if (actual != kind) { yield return $"{path} is a {actual.ToString().ToLowerInvariant()} ({scalar.Value}), must be a {kind.ToString().ToLowerInvariant()}"; yield break; }
                if (allowed is not null && !allowed.Contains(scalar.Value)) yield return $"{path} is '{scalar.Value}', not one of {string.Join(", ", allowed)}";
                if (minimum is long min && long.Parse(scalar.Value!) < min) yield return $"{path} is {scalar.Value}, below the minimum {min}";
                yield break;
        }
    }

    /// <summary>The JSON type a YAML 1.2 core-schema reader (the API server's) gives a scalar: quoted means string.</summary>
    private static Kind ScalarType(YamlScalarNode scalar) =>
        scalar.Style is not YamlDotNet.Core.ScalarStyle.Plain ? Kind.String
        : IntegerLiteral().IsMatch(scalar.Value ?? "") ? Kind.Integer
        : scalar.Value is "true" or "false" ? Kind.Boolean
        : Kind.String;

    [GeneratedRegex(@"^-?[0-9]+$")]
    private static partial Regex IntegerLiteral();
}

/// <summary>Writes a YAML node back out as text (for the strict readers of Kubernetes API types).</summary>
internal static class YamlText
{
    public static string ToText(this YamlStream stream)
    {
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
