using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

public sealed class TeacherPlacementTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Teachers_always_land_on_the_silo_tagged_accelerator_gpu()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [StudentCluster.Topic] });
        await using var cluster = await StudentCluster.StartAsync(3, broker, redis, gpuSilo: true);
        var gpuSilo = cluster.Silos.Last().SiloAddress.ToString();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            cluster.Client.GetGrain<ITeacherGrain>($"group-{i}").GetStatusAsync()));

        Assert.All(statuses, s =>
        {
            Assert.Equal(gpuSilo, s.Silo);
            Assert.Equal("gpu", s.SiloMetadata["accelerator"]);
        });
    }

    [Fact]
    public async Task Without_a_gpu_silo_the_Refuse_fallback_refuses_placement()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [StudentCluster.Topic] });
        await using var cluster = await StudentCluster.StartAsync(2, broker, redis, gpuSilo: false,
            new Dictionary<string, string?> { ["Teacher:Placement:Fallback"] = "Refuse" });

        await Assert.ThrowsAnyAsync<Exception>(() => cluster.Client.GetGrain<ITeacherGrain>("refused").GetStatusAsync());
    }

    [Fact]
    public async Task Without_a_gpu_silo_the_AnySilo_fallback_places_the_teacher_on_a_cpu_silo()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 2, Topics = [StudentCluster.Topic] });
        await using var cluster = await StudentCluster.StartAsync(2, broker, redis, gpuSilo: false);

        var status = await cluster.Client.GetGrain<ITeacherGrain>("anywhere").GetStatusAsync();
        Assert.Equal("cpu", status.SiloMetadata["accelerator"]);
    }
}
