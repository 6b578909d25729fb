namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>Where tests leave files for people and CI: artifacts/ at the repository root (next to StreamLabel.sln).</summary>
public static class Artifacts
{
    public static string Directory(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StreamLabel.sln"))) dir = dir.Parent;
        var root = dir?.FullName ?? AppContext.BaseDirectory;
        var path = Path.Combine(root, "artifacts", name);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
