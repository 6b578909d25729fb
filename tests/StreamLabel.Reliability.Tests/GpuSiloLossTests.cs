using System.Diagnostics;
using StreamLabel.Grains;
using StreamLabel.Reliability.Tests.Cluster;
using StreamLabel.Reliability.Tests.Support;
using StreamLabel.Testing;
using Xunit.Abstractions;

namespace StreamLabel.Reliability.Tests;

[Collection(ClusterCollection.Name)]
public sealed class GpuSiloLossTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 3000;
    private const string TeacherGroup = "default";

    /// <summary>
    /// The teacher lives on the only gpu silo. kill -9 of that process: with Teacher:Placement:Fallback=AnySilo the
    /// teacher re-activates on a cpu silo (its status names a silo whose accelerator is cpu) and learns again from the
    /// samples its students forward, while the students keep learning: every produced event is learned exactly once.
    /// </summary>
    [Fact]
    public async Task Killing_the_gpu_silo_rehomes_the_teacher_on_a_cpu_silo_and_students_keep_learning()
    {
        fixture.EnsureAllSilosRunning();
        var results = new ReliabilityResults(output, "kill -9 gpu silo");
        var cluster = fixture.Cluster;
        var scenario = new Elec2Scenario(keyOffset: 20, Rows, skip: 4000);
        var produced = scenario.ProducedPerKey();
        var teacher = fixture.Client.GetGrain<ITeacherGrain>(TeacherGroup);
        try
        {
            await scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, 0, Rows / 2);
            TeacherStatus? before = null;
            await Eventually.HoldsAsync(async () => (before = await StatusAsync(teacher)) is { SamplesLearned: > 0 }, TimeSpan.FromSeconds(90),
                () => Task.FromResult($"teacher status before the kill: {before}"));
            results.Note($"teacher '{TeacherGroup}' on {cluster.SiloOf(before!.Silo)} (accelerator={Accelerator(before)}), {before.SamplesLearned} samples learned");
            Assert.Equal("gpu", Accelerator(before));
            Assert.Equal(LocalCluster.GpuSilo, cluster.SiloOf(before.Silo));

            var producing = scenario.ProduceAsync(cluster.Bootstrap, ClusterFixture.Topic, Rows / 2, Rows, seed: 2);
            var sinceKill = Stopwatch.StartNew();
            cluster.Stop(LocalCluster.GpuSilo, "KILL");
            await producing;

            TeacherStatus? after = null;
            await Eventually.HoldsAsync(async () => (after = await StatusAsync(teacher)) is { } s && Accelerator(s) == "cpu" && s.SamplesLearned > 0,
                TimeSpan.FromSeconds(120), () => Task.FromResult($"teacher status after the kill: {after}"));
            double rehome = sinceKill.Elapsed.TotalSeconds;
            results.Note($"teacher now on {cluster.SiloOf(after!.Silo)} (accelerator={Accelerator(after)}, device {after.Device}), {after.SamplesLearned} samples learned");

            await Eventually.HoldsAsync(async () => await fixture.TotalSeenAsync(scenario.Keys) >= Rows, TimeSpan.FromSeconds(150),
                async () => $"learned {await fixture.TotalSeenAsync(scenario.Keys)} of {Rows} after killing the gpu silo");
            double recovery = sinceKill.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(2));
            var metrics = await fixture.MetricsAsync(scenario.Keys);
            results.Figure("events produced", Rows);
            results.Figure("events learned", metrics.Sum(m => m?.EventsSeen ?? 0));
            results.Figure("teacher re-homed on a cpu silo after", rehome, "s");
            results.Figure("recovery (kill -> all events learned)", recovery, "s");
            for (int i = 0; i < scenario.Keys.Count; i++)
            {
                var m = metrics[i] ?? throw new InvalidOperationException($"student {scenario.Keys[i]} did not answer");
                Assert.True(m.EventsSeen == produced[m.Key], $"student {m.Key}: learned {m.EventsSeen}, produced {produced[m.Key]}");
            }
            Assert.NotEqual(LocalCluster.GpuSilo, cluster.SiloOf(after.Silo));
            await DashboardCheck.TeacherShownOnAsync(fixture, results, TeacherGroup, "cpu");
        }
        finally
        {
            if (cluster.Pid(LocalCluster.GpuSilo) is null) cluster.Start(LocalCluster.GpuSilo);
        }
    }

    private static string? Accelerator(TeacherStatus status) => status.SiloMetadata.TryGetValue("accelerator", out var v) ? v : null;

    private static async Task<TeacherStatus?> StatusAsync(ITeacherGrain teacher)
    {
        try { return await teacher.GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; } // its silo may be dead and not yet declared so
    }
}
