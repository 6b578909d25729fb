using System.Collections;
using System.Reflection;
using System.Runtime.Loader;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>
/// The configuration keys a program reads, derived by reflection from its settings classes (by convention, the classes
/// in StreamLabel assemblies that declare <c>const string Section</c>), loaded from the program's publish output. Leaf
/// properties give keys, string-keyed dictionaries give pass-through prefixes (e.g. Kafka:Client:*), arrays give indexed
/// keys; <c>const string ...Variable</c> fields name plain environment variables read as fallbacks (POD_NAME).
/// </summary>
public sealed class SettingsCatalog
{
    /// <summary>Section name → the classes bound to it (several classes may each bind part of one section).</summary>
    public IReadOnlyDictionary<string, List<Type>> Sections { get; }
    public IReadOnlySet<string> Keys { get; }
    public IReadOnlySet<string> PassThroughPrefixes { get; }
    public IReadOnlySet<string> IndexedKeys { get; }
    public IReadOnlySet<string> EnvironmentVariables { get; }

    private SettingsCatalog(Dictionary<string, List<Type>> sections)
    {
        Sections = sections;
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var prefixes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var indexed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var variables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (section, types) in sections)
        foreach (var type in types)
        {
            Walk(type, section, keys, prefixes, indexed, 0);
            foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Static))
                if (f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Variable", StringComparison.Ordinal))
                    variables.Add((string)f.GetRawConstantValue()!);
        }
        Keys = keys; PassThroughPrefixes = prefixes; IndexedKeys = indexed; EnvironmentVariables = variables;
    }

    /// <summary>Loads <paramref name="entryAssembly"/> and its StreamLabel.* neighbours from a publish folder.</summary>
    public static SettingsCatalog FromPublished(string publishDir, string entryAssembly)
    {
        var entry = Path.Combine(publishDir, entryAssembly);
        var context = new PublishedLoadContext(entry);
        var assemblies = new[] { entry }.Concat(Directory.GetFiles(publishDir, "StreamLabel.*.dll"))
            .Select(p => context.LoadFromAssemblyPath(p));
        var sections = new Dictionary<string, List<Type>>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            var field = type.GetField("Section", BindingFlags.Public | BindingFlags.Static);
            if (field is { IsLiteral: true } && field.FieldType == typeof(string) && type.IsClass && !type.IsAbstract)
            {
                var section = (string)field.GetRawConstantValue()!;
                if (!sections.TryGetValue(section, out var list)) sections[section] = list = [];
                list.Add(type);
            }
        }
        return new SettingsCatalog(sections);
    }

    /// <summary>The value a settings class gives a property when configuration leaves it unset.</summary>
    public object? Default(string section, string property)
    {
        var type = Sections[section].Single(t => t.GetProperty(property) is not null);
        return type.GetProperty(property)!.GetValue(Activator.CreateInstance(type));
    }

    /// <summary>True when configuration key (':' separated, or the environment form with "__") is one the program reads.</summary>
    public bool Reads(string key)
    {
        key = key.Replace("__", ":");
        if (Keys.Contains(key)) return true;
        if (PassThroughPrefixes.Any(p => key.Length > p.Length && key.StartsWith(p, StringComparison.OrdinalIgnoreCase))) return true;
        var lastColon = key.LastIndexOf(':');
        return lastColon > 0 && int.TryParse(key[(lastColon + 1)..], out _) && IndexedKeys.Contains(key[..lastColon]);
    }

    private static void Walk(Type type, string prefix, HashSet<string> keys, HashSet<string> prefixes, HashSet<string> indexed, int depth)
    {
        if (depth > 5) throw new InvalidOperationException($"settings nest too deep at {prefix}");
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{p.Name}";
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (IsLeaf(t)) { if (p.CanWrite) keys.Add(key); }
            else if (DictionaryValueType(t) is { } value && IsLeaf(value)) prefixes.Add(key + ":");
            else if (ElementType(t) is { } element && IsLeaf(element)) indexed.Add(key);
            else if (t.IsClass) Walk(t, key, keys, prefixes, indexed, depth + 1);
        }
    }

    private static bool IsLeaf(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri)
        || (Nullable.GetUnderlyingType(t) is { } u && IsLeaf(u));

    private static Type? DictionaryValueType(Type t) =>
        t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            && i.GetGenericArguments()[0] == typeof(string))?.GetGenericArguments()[1];

    private static Type? ElementType(Type t) =>
        t.IsArray ? t.GetElementType()
        : typeof(IEnumerable).IsAssignableFrom(t) && t.IsGenericType ? t.GetGenericArguments()[0] : null;

    /// <summary>Resolves the published program's dependencies from its own folder (its deps.json), isolated from the tests.</summary>
    private sealed class PublishedLoadContext(string entry) : AssemblyLoadContext(isCollectible: true)
    {
        private readonly AssemblyDependencyResolver resolver = new(entry);
        protected override Assembly? Load(AssemblyName name) =>
            resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}
