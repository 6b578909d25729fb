namespace StreamLabel.Deploy.Tests.Support;

/// <summary>Where the repository and its deploy/ folder are, found from the test assembly's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Deploy => Path.Combine(Root, "deploy");
    public static string Kubernetes => Path.Combine(Deploy, "kubernetes");
    public static string Overlays => Path.Combine(Kubernetes, "overlays");
    public static string Docker => Path.Combine(Deploy, "docker");

    /// <summary>Every overlay folder name under deploy/kubernetes/overlays (each must render).</summary>
    public static IEnumerable<string> OverlayNames() =>
        Directory.GetDirectories(Path.Combine(FindRoot(), "deploy", "kubernetes", "overlays")).Select(Path.GetFileName).OrderBy(n => n)!;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "StreamLabel.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no StreamLabel.sln above {AppContext.BaseDirectory}");
    }
}
