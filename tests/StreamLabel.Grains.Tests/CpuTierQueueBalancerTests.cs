using System.Net;
using Orleans.Streams;
using StreamLabel.Grains.Placement;

namespace StreamLabel.Grains.Tests;

/// <summary>Which silos read the stream's partitions, and which partitions each reads.</summary>
public sealed class CpuTierQueueBalancerTests
{
    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);
    private static readonly QueueId[] Queues = Enumerable.Range(0, 8).Select(i => QueueId.GetQueueId("kafka-p", (uint)i, (uint)i)).ToArray();

    [Fact]
    public void Only_cpu_tier_silos_read_and_they_share_every_partition_once()
    {
        SiloAddress a = Silo(11), b = Silo(12), gpu = Silo(13);
        var readers = CpuTierQueueBalancer.Readers([gpu, b, a], s => s == gpu);
        Assert.Equal([a, b], readers);
        var shares = new[] { a, b, gpu }.Select(s => CpuTierQueueBalancer.Share(Queues, readers, s)).ToArray();
        Assert.Empty(shares[2]);
        Assert.Equal(4, shares[0].Count);
        Assert.Equal(Queues.OrderBy(q => q.ToString()), shares[0].Concat(shares[1]).OrderBy(q => q.ToString()));
    }

    [Fact]
    public void A_cluster_of_gpu_silos_only_still_reads_every_partition()
    {
        SiloAddress g1 = Silo(21), g2 = Silo(22);
        var readers = CpuTierQueueBalancer.Readers([g2, g1], _ => true);
        Assert.Equal([g1, g2], readers);
        Assert.Equal(8, readers.Sum(r => CpuTierQueueBalancer.Share(Queues, readers, r).Count));
    }

    [Fact]
    public void Every_silo_computes_the_same_readers_whatever_order_it_saw_them_in()
    {
        SiloAddress a = Silo(31), b = Silo(32), c = Silo(33);
        Assert.Equal(CpuTierQueueBalancer.Readers([a, b, c], _ => false), CpuTierQueueBalancer.Readers([c, a, b], _ => false));
    }
}
