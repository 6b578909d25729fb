using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Streaming.Kafka;
using StreamLabel.Streaming.EventFormat;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;
using Xunit.Abstractions;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// Students live where their events are read: on the silo whose pulling agent delivers their partition (no
/// silo-to-silo hop per delivery), and never on a GPU silo while a CPU silo is up (its cores are the teacher's).
/// </summary>
public sealed class StudentPlacementTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>
{
    private const int Keys = 8;

    [Fact]
    public async Task Students_of_one_partition_live_on_the_silo_that_reads_it()
    {
        // One partition: one silo reads every key, so every student belongs on that one silo.
        var hosts = await PlaceStudentsAsync(partitions: 1, gpuSilo: false);
        Assert.True(hosts.Values.Distinct().Count() == 1, $"students of one partition on several silos: {Describe(hosts)}");
    }

    [Fact]
    public async Task No_student_lives_on_the_gpu_silo_while_a_cpu_silo_is_up()
    {
        // Eight partitions over a CPU and a GPU silo: every student on the CPU silo, which also reads every partition.
        var hosts = await PlaceStudentsAsync(partitions: 8, gpuSilo: true);
        Assert.Equal(Keys, hosts.Count); // the placement and the reads are checked inside, while the cluster is up
    }

    private async Task<Dictionary<string, string>> PlaceStudentsAsync(int partitions, bool gpuSilo)
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = partitions, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        using var reads = new CounterSums("streamlabel.kafka.events_read"); // per silo: each has its own instrument
        await using var cluster = await StudentCluster.StartAsync(2, broker, redis, gpuSilo, new Dictionary<string, string?>
        {
            ["Models:Patterns:0:Pattern"] = "*",
            ["Models:Patterns:0:FeatureCount"] = "8",
            ["Models:Patterns:0:Classes:0"] = "DOWN",
            ["Models:Patterns:0:Classes:1"] = "UP",
        });
        var data = Elec2.Rows(Keys * 4);
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await Task.WhenAll(Enumerable.Range(0, data.Count).Select(i => producer.ProduceAsync(StudentCluster.Topic,
                StudentLearningTests.Message($"key-{i % Keys}", EventWriter.Write(data.Features[i], data.Classes[data.Labels[i]], $"e{i}")))));
        // Committed offsets mean every event was applied, so every student was activated by its delivery, not by the
        // metrics calls below (a client call would place it on the gateway that received it).
        await Eventually.HoldsAsync(() => Task.FromResult(GroupProgress.CaughtUp(broker.BootstrapServers, StudentCluster.Topic, partitions)),
            TimeSpan.FromSeconds(60), () => Task.FromResult(GroupProgress.Describe(broker.BootstrapServers, StudentCluster.Topic, partitions)));
        var hosts = new Dictionary<string, string>();
        for (int k = 0; k < Keys; k++)
        {
            var m = await cluster.Client.GetGrain<IStudentGrain>($"key-{k}").GetMetricsAsync();
            Assert.True(m.EventsSeen == 4, $"key-{k} learned {m.EventsSeen} of 4 events");
            hosts[$"key-{k}"] = m.Silo;
        }
        output.WriteLine(Describe(hosts));
        if (gpuSilo)
        {
            var gpu = cluster.Silos[^1].SiloAddress.ToString(); // StudentCluster tags the last silo accelerator=gpu
            Assert.True(hosts.Values.All(h => h != gpu), $"students on the gpu silo {gpu}: {Describe(hosts)}");
            // The GPU silo reads no partition: it would only forward what it read to the CPU silo (CpuTierQueueBalancer).
            long gpuReads = reads.Of(EventsRead(cluster.Silos[^1])), cpuReads = reads.Of(EventsRead(cluster.Silos[0]));
            output.WriteLine($"records read: cpu silo {cpuReads}, gpu silo {gpuReads}");
            Assert.True(gpuReads == 0 && cpuReads == data.Count, $"records read: gpu silo {gpuReads}, cpu silo {cpuReads} of {data.Count}");
        }
        return hosts;
    }

    private static Counter<long> EventsRead(Orleans.TestingHost.InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<KafkaStreamMetrics>().EventsRead;

    private static string Describe(Dictionary<string, string> hosts) => string.Join(", ", hosts.Select(h => $"{h.Key} on {h.Value}"));
}
