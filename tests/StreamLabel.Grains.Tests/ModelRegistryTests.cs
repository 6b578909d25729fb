using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>The registry is sharded: keys spread over the shards and read back as one ordered list, in pages; keys that a
/// registry from before the sharding kept in its one grain (shard 0) are still listed, once.</summary>
public sealed class ModelRegistryTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Keys_spread_over_shards_and_read_back_in_order_in_pages()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic] });
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false);
        var grains = cluster.Client;
        var keys = Enumerable.Range(0, 300).Select(i => $"registry-{i:x5}").ToList();
        foreach (var key in keys) await ModelRegistry.RegisterAsync(grains, key, "group-a");
        // What a registry before the sharding holds: its keys in grain 0, wherever they would hash now.
        await grains.GetGrain<IModelRegistryGrain>(0).RegisterAsync("legacy-key", "group-b");
        await grains.GetGrain<IModelRegistryGrain>(0).RegisterAsync(keys[7], null);
        var expected = keys.Append("legacy-key").Order(StringComparer.Ordinal).ToList();

        var perShard = await Task.WhenAll(Enumerable.Range(0, ModelRegistry.Shards).Select(s => grains.GetGrain<IModelRegistryGrain>(s).CountModelsAsync()));
        Assert.True(perShard.Count(n => n > 0) >= ModelRegistry.Shards / 2, $"keys in {perShard.Count(n => n > 0)} shards: {string.Join(" ", perShard)}");
        Assert.True(perShard.Max() < keys.Count / 4, $"one shard holds {perShard.Max()} of {keys.Count} keys");

        Assert.Equal(expected, await ModelRegistry.ListModelsAsync(grains));
        var paged = new List<string>();
        for (string? after = null; ;)
        {
            var page = await ModelRegistry.ListModelsAsync(grains, after, 40);
            if (page.Count == 0) break;
            Assert.True(page.Count <= 40);
            paged.AddRange(page);
            after = page[^1];
        }
        Assert.Equal(expected, paged);
        Assert.True(await ModelRegistry.ContainsAsync(grains, "legacy-key"));
        Assert.True(await ModelRegistry.ContainsAsync(grains, keys[123]));
        Assert.False(await ModelRegistry.ContainsAsync(grains, "registry-unknown"));
        Assert.Equal(["group-a", "group-b"], await ModelRegistry.ListTeacherGroupsAsync(grains));
    }
}
