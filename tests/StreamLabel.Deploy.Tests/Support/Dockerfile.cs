using System.Text.Json;
using System.Text.RegularExpressions;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>One instruction of a Dockerfile, with continuation lines joined.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>One build stage: FROM image [AS name] and its instructions.</summary>
public sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<string> Arguments(string keyword) =>
        Instructions.Where(i => i.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase)).Select(i => i.Arguments);

    /// <summary>ENV KEY=VALUE pairs (the KEY=VALUE form only; quotes are not used in our Dockerfiles).</summary>
    public IReadOnlyDictionary<string, string> Environment() =>
        Arguments("ENV").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");

    /// <summary>
    /// The `dotnet` commands of RUN instructions, split into arguments (BuildKit's --mount flags dropped). These are the
    /// build steps the tests run as written.
    /// </summary>
    public IReadOnlyList<string[]> DotnetCommands() => Arguments("RUN")
        .Select(r => Regex.Replace(r, @"^(--\S+\s+)+", ""))
        .Where(r => r.StartsWith("dotnet ", StringComparison.Ordinal))
        .Select(r => r.Contains('"') || r.Contains('\'') || r.Contains("&&") || r.Contains('$')
            ? throw new InvalidOperationException($"keep dotnet RUN lines to plain words (the tests run them as written): {r}")
            : r.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .ToList();

    /// <summary>The exec (JSON array) form of ENTRYPOINT, CMD or HEALTHCHECK ... CMD.</summary>
    public string[]? ExecForm(string keyword)
    {
        var text = Arguments(keyword).LastOrDefault();
        if (text is null) return null;
        if (keyword.Equals("HEALTHCHECK", StringComparison.OrdinalIgnoreCase))
        {
            var at = text.IndexOf("CMD ", StringComparison.Ordinal);
            if (at < 0) return null;
            text = text[(at + 4)..];
        }
        return JsonSerializer.Deserialize<string[]>(text.Trim());
    }
}

/// <summary>A Dockerfile under deploy/docker, parsed into stages (global ARG defaults substituted in FROM).</summary>
public sealed class Dockerfile
{
    public string Name { get; }
    public IReadOnlyList<DockerStage> Stages { get; }
    public DockerStage Final => Stages[^1];
    public DockerStage Stage(string name) => Stages.Single(s => s.Name == name);

    private Dockerfile(string name, IReadOnlyList<DockerStage> stages) { Name = name; Stages = stages; }

    public static Dockerfile Load(string fileName) => Parse(fileName, File.ReadAllText(Path.Combine(RepoPaths.Docker, fileName)));

    public static Dockerfile Parse(string name, string text)
    {
        var args = new Dictionary<string, string>();
        var stages = new List<(string Image, string? Name, List<DockerInstruction> Instructions)>();
        foreach (var (keyword, arguments) in Instructions(text))
        {
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var image = Regex.Replace(parts[0], @"\$\{(\w+)\}|\$(\w+)", m =>
                    args.TryGetValue(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, out var v) ? v : m.Value);
                var stageName = parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null;
                stages.Add((image, stageName, []));
            }
            else if (stages.Count == 0 && keyword == "ARG")
            {
                var kv = arguments.Split('=', 2);
                if (kv.Length == 2) args[kv[0].Trim()] = kv[1].Trim();
            }
            else if (stages.Count == 0) throw new InvalidOperationException($"{name}: {keyword} before the first FROM");
            else stages[^1].Instructions.Add(new DockerInstruction(keyword, arguments));
        }
        return new Dockerfile(name, stages.Select(s => new DockerStage(s.Image, s.Name, s.Instructions)).ToList());
    }

    private static IEnumerable<(string Keyword, string Arguments)> Instructions(string text)
    {
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || string.IsNullOrWhiteSpace(line))) continue;
            if (line.TrimStart().StartsWith('#')) continue; // a comment inside a continued instruction
            if (line.EndsWith('\\')) { current += line[..^1].Trim() + " "; continue; }
            current += line.Trim();
            var space = current.IndexOf(' ');
            yield return (current[..space].ToUpperInvariant(), current[(space + 1)..].Trim());
            current = "";
        }
    }
}
