using System.Text.Json;
using StreamLabel.Client.Tests.Infrastructure;

namespace StreamLabel.Client.Tests;

/// <summary>The CLI against the real silo host process (src/Silo) as users start it, on free ports.</summary>
public sealed class RealSiloTests
{
    [Fact]
    public async Task Status_and_models_answer_from_the_real_silo_host()
    {
        await using var silo = new SiloProcess();
        var status = (await silo.WaitForGatewayAsync(TimeSpan.FromSeconds(90))).Json();
        var entry = Assert.Single(status.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", entry.GetProperty("status").GetString());
        Assert.StartsWith("127.0.0.1:", entry.GetProperty("address").GetString());
        if (status.GetProperty("clusterInfoError").ValueKind == JsonValueKind.Null)
            Assert.Equal("cpu", entry.GetProperty("metadata").GetProperty("accelerator").GetString()); // src/Silo/appsettings.json
        else
            Assert.Contains("IClusterInfoGrain", status.GetProperty("clusterInfoError").GetString()); // silo side not implemented yet

        var models = await CliRunner.RunAsync(["models", "--json", .. silo.Connect]);
        Assert.True(models.ExitCode == 0, models + "\n" + silo.Output);
        Assert.Equal(JsonValueKind.Array, models.Json().ValueKind);

        var unknown = await CliRunner.RunAsync(["model", "not-there", .. silo.Connect]);
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("no model 'not-there'", unknown.Error);
    }
}
