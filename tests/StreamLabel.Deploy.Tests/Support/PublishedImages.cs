using System.Diagnostics;

namespace StreamLabel.Deploy.Tests.Support;

/// <summary>
/// What the container builds produce, made without Docker: the build context is copied as `COPY . .` would (honouring
/// .dockerignore) and each Dockerfile's `dotnet` RUN lines are run there as written, with /app swapped for a temporary
/// folder. Done once per test run (about 600 MB of libtorch is copied); the folder is deleted afterwards.
/// </summary>
public sealed class PublishedImages : IDisposable
{
    /// <summary>The Dockerfiles whose build steps run here; the GPU one needs a package these machines cannot restore.</summary>
    public static readonly string[] Buildable = ["silo.Dockerfile", "dashboard.Dockerfile"];

    public string WorkRoot { get; } = Path.Combine(Path.GetTempPath(), "streamlabel-deploy-" + Guid.NewGuid().ToString("N")[..8]);
    public string Context => Path.Combine(WorkRoot, "src");
    public int ContextFiles { get; }
    private readonly Dictionary<string, string> outputs = [];
    private readonly Dictionary<string, Exception> failures = [];
    public IReadOnlyDictionary<string, TimeSpan> Durations => durations;
    private readonly Dictionary<string, TimeSpan> durations = [];

    public PublishedImages()
    {
        Directory.CreateDirectory(Context);
        ContextFiles = BuildContext.CopyTo(Context);
        foreach (var name in Buildable)
        {
            var watch = Stopwatch.StartNew();
            try { outputs[name] = Build(Dockerfile.Load(name)); }
            catch (Exception e) { failures[name] = e; }
            durations[name] = watch.Elapsed;
        }
    }

    /// <summary>The folder the Dockerfile's final stage copies from the build stage (its /app), or the build's error.</summary>
    public string OutputOf(string dockerfile) =>
        failures.TryGetValue(dockerfile, out var e) ? throw new InvalidOperationException($"{dockerfile} build steps failed", e) : outputs[dockerfile];

    private string Build(Dockerfile dockerfile)
    {
        var app = Path.Combine(WorkRoot, Path.GetFileNameWithoutExtension(dockerfile.Name), "app");
        var commands = dockerfile.Stage("build").DotnetCommands();
        if (commands.Count == 0) throw new InvalidOperationException($"{dockerfile.Name}: no dotnet RUN lines in the build stage");
        foreach (var command in commands)
        {
            var args = command.Skip(1).Select(a => a == "/app" ? app : a).ToList();
            var result = ProcessRunner.Run("dotnet", args, Context, TimeSpan.FromMinutes(9), new Dictionary<string, string>
            {
                ["MSBUILDDISABLENODEREUSE"] = "1", // no build servers left behind by the test run
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            });
            if (result.ExitCode != 0) throw new InvalidOperationException(result.Describe(string.Join(' ', command)));
        }
        return app;
    }

    public void Dispose()
    {
        try { Directory.Delete(WorkRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedImagesCollection : ICollectionFixture<PublishedImages>
{
    public const string Name = "published images";
}
