using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;
using StreamLabel.Reliability.Tests.Cluster;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>Plain questions to the cluster's redis-server.</summary>
internal static class RedisProbe
{
    /// <summary>What redis-server answers to PING from a client that did not authenticate (raw RESP, first line).</summary>
    public static async Task<string> AnonymousPingAsync(LocalCluster cluster)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", cluster.RedisPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)) ?? "";
    }

    public static async Task<bool> KeyExistsAsync(LocalCluster cluster, string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnection);
        return await redis.GetDatabase().KeyExistsAsync(key);
    }

    public static async Task DeleteAsync(LocalCluster cluster, string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnection);
        await redis.GetDatabase().KeyDeleteAsync(key);
    }

    /// <summary>Number of keys (DBSIZE).</summary>
    public static async Task<long> DatabaseSizeAsync(LocalCluster cluster)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnection + ",allowAdmin=true");
        return await redis.GetServer(cluster.RedisEndpoint).DatabaseSizeAsync();
    }
}
