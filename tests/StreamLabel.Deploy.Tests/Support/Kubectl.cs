using System.Text.RegularExpressions;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>
/// `kubectl kustomize` (the kustomize built into kubectl; scripts/test.sh installs kubectl). Overlays use kustomize
/// components and directory resources, which need the kustomize of kubectl 1.21 or newer.
/// </summary>
public static partial class Kubectl
{
    private static readonly Lazy<Version> KustomizeVersion = new(ReadKustomizeVersion);

    public static string Kustomize(string directory)
    {
        _ = KustomizeVersion.Value;
        var result = ProcessRunner.Run("kubectl", ["kustomize", directory], RepoPaths.Root, TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0) throw new InvalidOperationException(result.Describe($"kubectl kustomize {directory}"));
        return result.StdOut;
    }

    private static Version ReadKustomizeVersion()
    {
        ProcessRunner.Result result;
        try { result = ProcessRunner.Run("kubectl", ["version", "--client"], RepoPaths.Root, TimeSpan.FromMinutes(1)); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed: scripts/test.sh installs it (apt package kubectl)", e);
        }
        var match = KustomizeLine().Match(result.StdOut);
        if (!match.Success) throw new InvalidOperationException("kubectl version --client names no Kustomize version (kubectl older than 1.21?):\n" + result.StdOut);
        var version = Version.Parse(match.Groups[1].Value);
        if (version.Major < 4) throw new InvalidOperationException($"kubectl's kustomize {version} is too old for components: needs v4 or newer (kubectl 1.21+)");
        return version;
    }

    [GeneratedRegex(@"Kustomize Version:\s*v?(\d+\.\d+\.\d+)")]
    private static partial Regex KustomizeLine();
}
