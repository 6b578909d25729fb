using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// The shutdown budget the manifests give the silo (DOTNET_shutdownTimeoutSeconds) is one the ASP.NET Core host the silo
/// is built on honours; without it the host cancels the silo's stop after 30 s, mid-handover.
/// </summary>
[Collection(nameof(GracefulShutdownTests))] // changes a process-wide environment variable
public sealed class GracefulShutdownTests
{
    private const string Variable = "DOTNET_shutdownTimeoutSeconds";

    [Fact]
    public void The_web_host_takes_its_shutdown_timeout_from_the_variable_the_manifests_set()
    {
        Assert.Contains(Variable, SiloConfigurationTests.HostSettings);
        var values = RepoPaths.OverlayNames().SelectMany(o => RenderedOverlay.Of(o).Containers(Workloads.SiloName))
            .Select(c => c.Value(Variable)).Distinct().ToList();
        var seconds = int.Parse(Assert.Single(values)!);
        Assert.NotEqual(30, seconds);

        Assert.Equal(TimeSpan.FromSeconds(30), ShutdownTimeoutWith(null)); // the default the variable must change
        Assert.Equal(TimeSpan.FromSeconds(seconds), ShutdownTimeoutWith(seconds.ToString()));
    }

    private static TimeSpan ShutdownTimeoutWith(string? value)
    {
        var before = Environment.GetEnvironmentVariable(Variable);
        Environment.SetEnvironmentVariable(Variable, value);
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
            using var app = builder.Build();
            return app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        }
        finally { Environment.SetEnvironmentVariable(Variable, before); }
    }
}
