using StackExchange.Redis;
using StreamLabel.Testing;

namespace StreamLabel.Streaming.Kafka.Tests.Testing;

/// <summary>The shared RedisServer fixture starts a real redis-server and stops it.</summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task Starts_a_real_redis_server_on_a_free_loopback_port_and_stops_it()
    {
        var server = RedisServer.Start();
        using (var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            await redis.GetDatabase().StringSetAsync("k", "v");
            Assert.Equal("v", (string?)await redis.GetDatabase().StringGetAsync("k"));
        }
        await server.DisposeAsync();
        await Assert.ThrowsAnyAsync<RedisException>(async () =>
        {
            using var gone = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { server.ConnectionString }, ConnectTimeout = 1000 });
        });
    }
}
