using System.Reflection;
using System.Text.Json.Serialization;

namespace StreamLabel.Specs;

/// <summary>The stable names of the spec's choices, read from their <see cref="JsonStringEnumMemberNameAttribute"/>,
/// so JSON, configuration, the command line and snapshots use one spelling.</summary>
public static class SpecNames
{
    public static string Name<T>(T value) where T : struct, Enum => Names<T>.ByValue[value];

    /// <summary>All stable names of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Names<T>.Ordered;

    /// <summary>The choice named <paramref name="name"/> (exactly, as written by <see cref="Name{T}"/>).</summary>
    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum =>
        Names<T>.ByName.TryGetValue(name ?? "", out value);

    public static T Parse<T>(string? name, string field) where T : struct, Enum =>
        TryParse<T>(name, out var value) ? value
            : throw new ArgumentException($"{field} must be one of: {string.Join(", ", All<T>())} (got {name})", field);

    internal static object ParseBoxed(Type enumType, string? name, string field)
    {
        var names = enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToDictionary(f => NameOf(f), f => f.GetValue(null)!, StringComparer.Ordinal);
        return names.TryGetValue(name ?? "", out var value) ? value
            : throw new ArgumentException($"{field} must be one of: {string.Join(", ", names.Keys)} (got {name})", field);
    }

    internal static string NameOfBoxed(object value) =>
        NameOf(value.GetType().GetField(value.ToString()!, BindingFlags.Public | BindingFlags.Static)!);

    private static string NameOf(FieldInfo f) => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name;

    private static class Names<T> where T : struct, Enum
    {
        public static readonly IReadOnlyList<string> Ordered =
            typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static).Select(NameOf).ToArray();
        public static readonly Dictionary<T, string> ByValue =
            typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(f => (T)f.GetValue(null)!, NameOf);
        public static readonly Dictionary<string, T> ByName = ByValue.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
