using Orleans.TestingHost;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>A teacher placed on a CPU silo because no GPU silo was up yet moves to the GPU silo once it joins.</summary>
public sealed class TeacherPlacementTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_teacher_placed_before_the_gpu_silo_joined_moves_to_it()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: true,
            new Dictionary<string, string?> { ["Teacher:Placement:RecheckInterval"] = "00:00:01" }, gpuSiloName: "Silo_1");
        var teacher = cluster.Client.GetGrain<ITeacherGrain>("late-gpu");
        Assert.Equal("cpu", (await teacher.GetStatusAsync()).SiloMetadata["accelerator"]); // the fallback: no GPU silo yet

        await cluster.StartAdditionalSiloAsync();
        await Eventually.HoldsAsync(async () => (await teacher.GetStatusAsync()).SiloMetadata["accelerator"] == "gpu",
            TimeSpan.FromSeconds(60), async () => $"the teacher is still on {(await teacher.GetStatusAsync()).Silo}");
    }
}
