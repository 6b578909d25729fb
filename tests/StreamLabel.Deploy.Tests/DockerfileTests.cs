using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// The container files, checked without a Docker engine: their structure (multi-stage, no SDK in the final image,
/// non-root, health check, no secrets), and their build steps run for real (PublishedImages) with the outputs inspected.
/// </summary>
[Collection(PublishedImagesCollection.Name)]
public sealed partial class DockerfileTests(PublishedImages images)
{
    private static readonly string[] Files = ["silo.Dockerfile", "silo-gpu.Dockerfile", "dashboard.Dockerfile"];
    public static TheoryData<string> All() => new(Files);

    /// <summary>UID of the "app" user of Microsoft's .NET 8+ images ($APP_UID), which the GPU image recreates.</summary>
    private const int AppUid = 1654;

    [Fact]
    public void Every_container_file_under_deploy_docker_is_checked() =>
        Assert.Equal(Files.Order(), Directory.GetFiles(RepoPaths.Docker, "*.Dockerfile").Select(Path.GetFileName).Order());

    [Theory, MemberData(nameof(All))]
    public void Builds_in_an_sdk_stage_and_runs_without_the_sdk(string name)
    {
        var file = Dockerfile.Load(name);
        Assert.True(file.Stages.Count >= 2, $"{name} is not multi-stage");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", file.Stage("build").Image);
        Assert.DoesNotContain("/sdk:", file.Final.Image);
        Assert.Empty(file.Final.DotnetCommands());
        Assert.Contains(file.Final.Arguments("COPY"), a => a.StartsWith("--from=build ", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(All))]
    public void Runs_as_the_non_root_app_user_with_a_health_check_and_the_dotnet_entry_point(string name)
    {
        var final = Dockerfile.Load(name).Final;
        var user = final.Arguments("USER").LastOrDefault();
        Assert.True(user is "$APP_UID" || int.TryParse(user, out var uid) && uid == AppUid, $"{name}: USER {user ?? "(none: root)"}");
        var check = final.ExecForm("HEALTHCHECK");
        Assert.NotNull(check);
        Assert.Equal("bash", check[0]);
        var entry = final.ExecForm("ENTRYPOINT");
        Assert.NotNull(entry);
        Assert.Equal("dotnet", entry[0]);
        Assert.EndsWith(".dll", entry[1]);
    }

    [Theory, MemberData(nameof(All))]
    public void Bakes_in_no_secrets(string name)
    {
        foreach (var stage in Dockerfile.Load(name).Stages)
        {
            foreach (var key in stage.Environment().Keys.Concat(stage.Arguments("ARG").Select(a => a.Split('=')[0])))
                Assert.False(SecretName().IsMatch(key), $"{name}: {key} would be baked into the image");
            foreach (var copy in stage.Arguments("COPY"))
                Assert.False(SecretFile().IsMatch(copy), $"{name}: COPY {copy} copies key material into the image");
        }
    }

    [Theory]
    [InlineData("silo.Dockerfile", "silo-cpu")]
    [InlineData("silo-gpu.Dockerfile", "silo-gpu")]
    public void The_silo_images_health_check_and_user_agree_with_the_manifests(string name, string deployment)
    {
        var final = Dockerfile.Load(name).Final;
        var port = new Uri(final.Environment()["Health__Urls"]).Port;
        Assert.Contains($"/dev/tcp/127.0.0.1/{port} ", string.Join(' ', final.ExecForm("HEALTHCHECK")!));
        Assert.Contains("GET /healthz ", string.Join(' ', final.ExecForm("HEALTHCHECK")!));
        foreach (var overlay in RepoPaths.OverlayNames())
        {
            var d = RenderedOverlay.Of(overlay).All<V1Deployment>().Single(x => x.Metadata.Name == deployment);
            Assert.Equal(port, d.Spec.Template.Spec.Containers[0].Ports.Single(p => p.Name == "health").ContainerPort);
            Assert.Equal(AppUid, d.Spec.Template.Spec.SecurityContext.RunAsUser);
        }
    }

    [Fact]
    public void The_cpu_silo_image_holds_the_entry_assembly_torch_and_kafka_natives()
    {
        var output = images.OutputOf("silo.Dockerfile");
        var entry = Dockerfile.Load("silo.Dockerfile").Final.ExecForm("ENTRYPOINT")![1];
        Assert.True(File.Exists(Path.Combine(output, entry)), $"{entry} is not in the publish output");
        AssertRunsOnAspNetCore(output, entry);
        foreach (var native in new[] { "libtorch.so", "libtorch_cpu.so", "libc10.so", "libLibTorchSharp.so", "librdkafka.so" })
            Assert.True(File.Exists(Path.Combine(output, native)), $"{native} is not in the publish output");
        Assert.True(File.Exists(Path.Combine(output, "TorchSharp.dll")));
        Assert.True(File.Exists(Path.Combine(output, "appsettings.json")));
    }

    [Fact]
    public void The_dashboard_image_holds_the_client_and_no_torch()
    {
        var output = images.OutputOf("dashboard.Dockerfile");
        var file = Dockerfile.Load("dashboard.Dockerfile").Final;
        var entry = file.ExecForm("ENTRYPOINT")![1];
        Assert.Equal("streamlabel.dll", entry);
        Assert.True(File.Exists(Path.Combine(output, entry)));
        AssertRunsOnAspNetCore(output, entry);
        Assert.Equal(["dashboard"], file.ExecForm("CMD") ?? []);
        Assert.Empty(Directory.GetFiles(output, "libtorch*.so"));
        Assert.Empty(Directory.GetFiles(output, "TorchSharp*.dll"));
    }

    [Fact]
    public void The_gpu_build_runs_the_cpu_silos_commands_plus_the_cuda_switch()
    {
        var cpu = Dockerfile.Load("silo.Dockerfile").Stage("build").DotnetCommands();
        var gpu = Dockerfile.Load("silo-gpu.Dockerfile").Stage("build").DotnetCommands();
        Assert.Equal(cpu.Count, gpu.Count);
        for (int i = 0; i < cpu.Count; i++)
        {
            Assert.Contains("-p:StreamLabelGpu=true", gpu[i]);
            Assert.Equal(cpu[i], gpu[i].Where(a => a != "-p:StreamLabelGpu=true"));
        }
    }

    [Fact]
    public void The_cuda_switch_swaps_torchsharp_cpu_for_the_cuda_package()
    {
        // Evaluation only: restoring TorchSharp-cuda-linux needs a feed these machines do not reach.
        string[] References(bool gpu)
        {
            var result = ProcessRunner.Run("dotnet", ["msbuild", "src/Learning/StreamLabel.Learning.csproj", "-getItem:PackageReference",
                $"-p:StreamLabelGpu={(gpu ? "true" : "false")}", "-nologo"], RepoPaths.Root, TimeSpan.FromMinutes(3),
                new Dictionary<string, string> { ["MSBUILDDISABLENODEREUSE"] = "1" });
            Assert.True(result.ExitCode == 0, result.Describe("dotnet msbuild -getItem"));
            using var json = JsonDocument.Parse(result.StdOut);
            return json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
                .Select(e => e.GetProperty("Identity").GetString()!).ToArray();
        }
        Assert.Contains("TorchSharp-cuda-linux", References(gpu: true));
        Assert.DoesNotContain("TorchSharp-cpu", References(gpu: true));
        Assert.Contains("TorchSharp-cpu", References(gpu: false));
        Assert.DoesNotContain("TorchSharp-cuda-linux", References(gpu: false));
    }

    [Fact]
    public void The_gpu_image_runs_on_cuda_12_8_with_the_dotnet_runtime_of_the_same_ubuntu()
    {
        var file = Dockerfile.Load("silo-gpu.Dockerfile");
        // TorchSharp 0.107's CUDA build ships libtorch 2.10 built for CUDA 12.8 (package libtorch-cuda-12.8-linux-x64).
        Assert.Matches(@"^nvidia/cuda:12\.8(\.\d+)?-cudnn-runtime-ubuntu24\.04$", file.Final.Image);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0-noble", file.Stage("dotnet").Image); // noble = Ubuntu 24.04
        Assert.Contains(file.Final.Arguments("COPY"), a => a == "--from=dotnet /usr/share/dotnet /usr/share/dotnet");
        Assert.Equal("gpu", file.Final.Environment()["Orleans__Metadata__accelerator"]);
    }

    [Fact]
    public void The_build_context_leaves_out_build_outputs_but_keeps_sources()
    {
        var patterns = BuildContext.IgnorePatterns(RepoPaths.Root);
        Assert.True(BuildContext.IsIgnored("src/Silo/bin/Release/net10.0/libtorch.so", patterns));
        Assert.True(BuildContext.IsIgnored("src/Silo/obj/project.assets.json", patterns));
        Assert.True(BuildContext.IsIgnored(".git", patterns));
        Assert.False(BuildContext.IsIgnored("src/Silo/Program.cs", patterns));
        Assert.False(BuildContext.IsIgnored("build/TorchSharpDebian12.targets", patterns));
        Assert.False(BuildContext.IsIgnored("data/elec2.csv.gz", patterns));
        Assert.InRange(images.ContextFiles, 20, 5000);
    }

    private static void AssertRunsOnAspNetCore(string output, string entry)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, Path.ChangeExtension(entry, ".runtimeconfig.json"))));
        var frameworks = config.RootElement.GetProperty("runtimeOptions").GetProperty("frameworks").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Contains("Microsoft.AspNetCore.App", frameworks); // the aspnet runtime image provides it
    }

    [GeneratedRegex(@"password|passwd|token|secret|credential|connectionstring", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\.(pem|key|pfx|p12)\b|id_rsa|\.env\b", RegexOptions.IgnoreCase)]
    private static partial Regex SecretFile();
}
