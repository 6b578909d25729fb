using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace StreamLabel.Grains.Student;

/// <summary>
/// Label → class index of a class list, shared by every student with that list (a deployment has a handful of class
/// lists and thousands of students; the maps are immutable).
/// </summary>
internal static class ClassIndex
{
    private static readonly ConcurrentDictionary<string, FrozenDictionary<string, int>> Shared = new(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, int> Of(IReadOnlyList<string> classes) =>
        Shared.GetOrAdd(string.Join('\u001f', classes), static (_, list) =>
            list.Select((c, i) => KeyValuePair.Create(c, i)).ToFrozenDictionary(StringComparer.Ordinal), classes);
}
