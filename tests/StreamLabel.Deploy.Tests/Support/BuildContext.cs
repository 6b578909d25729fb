using System.Text.RegularExpressions;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>
/// The Docker build context (the repository root) as `COPY . .` sees it: every file except those .dockerignore
/// excludes. Supported patterns: `**/name` (at any depth), `path` and globs with `*` within one path segment.
/// </summary>
public static class BuildContext
{
    public static IReadOnlyList<Regex> IgnorePatterns(string root) =>
        File.ReadAllLines(Path.Combine(root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(ToRegex).ToList();

    public static bool IsIgnored(string relativePath, IReadOnlyList<Regex> patterns)
    {
        var path = relativePath.Replace('\\', '/');
        // A folder that matches excludes everything under it.
        var prefixes = path.Split('/').Select((_, i) => string.Join('/', path.Split('/').Take(i + 1)));
        return prefixes.Any(p => patterns.Any(r => r.IsMatch(p)));
    }

    /// <summary>Copies the context into <paramref name="destination"/>; returns the number of files copied.</summary>
    public static int CopyTo(string destination)
    {
        var patterns = IgnorePatterns(RepoPaths.Root);
        return Copy(RepoPaths.Root, "", destination, patterns);
    }

    private static int Copy(string root, string relativeDir, string destination, IReadOnlyList<Regex> patterns)
    {
        int files = 0;
        var dir = Path.Combine(root, relativeDir);
        foreach (var file in Directory.GetFiles(dir))
        {
            var relative = Path.Combine(relativeDir, Path.GetFileName(file));
            if (IsIgnored(relative, patterns)) continue;
            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            files++;
        }
        foreach (var sub in Directory.GetDirectories(dir))
        {
            var relative = Path.Combine(relativeDir, Path.GetFileName(sub));
            if (!IsIgnored(relative, patterns)) files += Copy(root, relative, destination, patterns);
        }
        return files;
    }

    private static Regex ToRegex(string pattern)
    {
        var p = pattern.TrimStart('/').TrimEnd('/');
        var anyDepth = p.StartsWith("**/", StringComparison.Ordinal);
        if (anyDepth) p = p[3..];
        var body = string.Join("/", p.Split('/').Select(seg => Regex.Escape(seg).Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]")));
        return new Regex((anyDepth ? "^(.*/)?" : "^") + body + "$");
    }
}
