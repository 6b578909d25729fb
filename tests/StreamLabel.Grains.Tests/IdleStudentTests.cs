using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Grains.Student;
using StreamLabel.Grains.Telemetry;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Streaming.Replay;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>A student whose events stopped costs its silo and its teacher nothing until the next event arrives.</summary>
public sealed class IdleStudentTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task An_idle_student_stops_asking_its_teacher_and_starts_again_with_its_next_events()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = [StudentCluster.Topic, StudentCluster.DeadLetters, StudentCluster.Predictions] });
        // Targets go stale after 1 s: a student that kept its pull timer would ask again every 0.5 s once idle.
        await using var cluster = await StudentCluster.StartAsync(1, broker, redis, gpuSilo: false,
            new Dictionary<string, string?> { ["Student:TeacherStaleAfter"] = "00:00:01", ["Student:WarmStartRows"] = "0" });
        using var counters = new CounterSums("streamlabel.teacher.pulls");
        var siloPulls = cluster.Silos[0].ServiceProvider.GetRequiredService<StreamLabelMetrics>().TeacherPulls;
        long Pulls() => counters.Of(siloPulls);
        const string key = "elec2-idle";
        var student = cluster.Client.GetGrain<IStudentGrain>(key);
        await student.SetSpecAsync(Elec2.Spec(8));
        var data = Elec2.Rows(3000);
        var replay = new ReplayOptions { Topic = StudentCluster.Topic, Key = key };

        // Until the teacher has answered once (it answers only when warm), in slices so each one brings new rows.
        long seen = 0;
        for (int slice = 0; slice < 6 && (await student.GetMetricsAsync()).TeacherVersion is null; slice++)
        {
            await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(Elec2.Slice(data, slice * 500, 500), replay);
            seen += 500;
            await StudentLearningTests.WaitForSeenAsync(cluster, key, seen);
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // a few pull ticks
        }
        Assert.NotNull((await student.GetMetricsAsync()).TeacherVersion);

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the ticks that forward the last rows, and the one that finds none
        long idleFrom = Pulls();
        await Task.Delay(TimeSpan.FromSeconds(4)); // 8 ticks of 0.5 s; the targets went stale after 1 s
        Assert.Equal(idleFrom, Pulls());

        // The next events start the timer again: the student forwards them and pulls fresh targets.
        await new DatasetReplayer(broker.BootstrapServers).ReplayAsync(Elec2.Slice(data, (int)seen, 200), replay);
        await StudentLearningTests.WaitForSeenAsync(cluster, key, seen + 200);
        await Eventually.HoldsAsync(() => Task.FromResult(Pulls() > idleFrom), TimeSpan.FromSeconds(30),
            () => Task.FromResult($"no teacher pull after new events ({Pulls()} in all)"));
    }
}
