namespace StreamLabel.Deploy.Tests.Support;

/// <summary>Field access into a custom resource as YamlDotNet reads it (maps, lists, scalars as strings).</summary>
public static class RawFields
{
    public static IDictionary<object, object> Map(this IDictionary<object, object> root, params string[] path) =>
        path.Aggregate(root, (m, key) => m.TryGetValue(key, out var v) && v is IDictionary<object, object> d ? d
            : throw new InvalidOperationException($"missing {string.Join('.', path)}"));

    public static IDictionary<object, object>? MapOrNull(this IDictionary<object, object> root, params string[] path)
    {
        var m = root;
        foreach (var key in path)
            if (m.TryGetValue(key, out var v) && v is IDictionary<object, object> d) m = d;
            else return null;
        return m;
    }

    public static IReadOnlyList<object> List(this IDictionary<object, object> root, params string[] path) =>
        (root.Map(path[..^1]).TryGetValue(path[^1], out var v) ? v as IEnumerable<object> : null)?.ToList()
        ?? throw new InvalidOperationException($"{string.Join('.', path)} is not a list");

    public static IReadOnlyList<IDictionary<object, object>> Maps(this IDictionary<object, object> root, params string[] path) =>
        root.List(path).Cast<IDictionary<object, object>>().ToList();

    public static string? Text(this IDictionary<object, object> map, string key) => map.TryGetValue(key, out var v) ? v?.ToString() : null;

    public static int Int(object value) => int.Parse(value.ToString()!);
}
