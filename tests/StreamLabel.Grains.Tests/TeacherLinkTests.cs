using StreamLabel.Grains.Student;

namespace StreamLabel.Grains.Tests;

/// <summary>The student's teacher link without a cluster: what a pull sends, when targets are used, one pull at a time.</summary>
public sealed class TeacherLinkTests
{
    private static readonly ModelSpec Spec = new(2, ["a", "b"], [4]) { TeacherGroup = "g" };

    private static StudentOptions Options(TimeSpan? timeout = null) => new()
    {
        DistillationBufferRows = 8, DistillationRowsPerStep = 2, ForwardRowsPerPull = 8, TeacherPullEveryEvents = 10,
        TeacherTimeout = timeout ?? TimeSpan.FromSeconds(5), TeacherStaleAfter = TimeSpan.FromSeconds(30),
    };

    private static TeacherLink Link(StudentOptions? options = null, int rows = 3)
    {
        var link = new TeacherLink(options ?? Options(), seed: 1);
        link.StartModel(Spec.FeatureCount);
        for (int r = 0; r < rows; r++) link.Observe([r, r + 0.5f], r % 2);
        return link;
    }

    /// <summary>A teacher that records what it gets and answers with fixed probabilities (or waits for <see cref="Gate"/>).</summary>
    private sealed class FakeTeacher(bool ready = true, int version = 5) : ITeacherGrain
    {
        public List<TeacherSamples> Forwarded { get; } = [];
        public List<SoftTargetsRequest> Requests { get; } = [];
        public TaskCompletionSource? Gate { get; set; }

        public Task ForwardSamplesAsync(TeacherSamples samples) { Forwarded.Add(samples); return Task.CompletedTask; }

        public async Task<SoftTargetsResponse> GetSoftTargetsAsync(SoftTargetsRequest request)
        {
            Requests.Add(request);
            if (Gate is { } gate) await gate.Task;
            var p = Enumerable.Range(0, request.Rows).SelectMany(_ => new[] { 0.25f, 0.75f }).ToArray();
            return new SoftTargetsResponse(FloatBytes.ToBytes(p), request.Rows, 2, version, ready);
        }

        public Task<TeacherStatus> GetStatusAsync() => throw new NotSupportedException();
        public Task<TeacherStatus> LoadCheckpointAsync(byte[] snapshot) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_pull_forwards_the_unseen_rows_then_takes_ready_soft_targets()
    {
        var link = Link();
        var teacher = new FakeTeacher();
        Assert.Null(link.ForStep(DateTimeOffset.UtcNow)); // no targets yet

        var pull = await link.PullAsync(teacher, "k", Spec, CancellationToken.None);
        Assert.Equal(TeacherPull.Answered(5), pull);
        var forwarded = Assert.Single(teacher.Forwarded);
        Assert.Equal([0, 1, 0], forwarded.Labels);
        Assert.Equal((2, "k"), (forwarded.FeatureCount, forwarded.StudentKey));
        Assert.Equal([0f, 0.5f, 1, 1.5f, 2, 2.5f], FloatBytes.ToFloats(forwarded.Features));
        Assert.Equal((3, Spec.Temperature, (int?)null), (teacher.Requests[0].Rows, teacher.Requests[0].Temperature, teacher.Requests[0].KnownTeacherVersion));
        Assert.Equal(5, link.TeacherVersion);

        var batch = link.ForStep(DateTimeOffset.UtcNow);
        Assert.NotNull(batch);
        Assert.Equal(2, batch.Rows);
        Assert.Equal([0.25f, 0.75f, 0.25f, 0.75f], batch.TeacherProbabilities);

        await link.PullAsync(teacher, "k", Spec, CancellationToken.None);
        Assert.Single(teacher.Forwarded); // nothing new to forward
        Assert.Equal(5, teacher.Requests[1].KnownTeacherVersion);
    }

    [Fact]
    public async Task Soft_targets_go_stale()
    {
        var link = Link();
        await link.PullAsync(new FakeTeacher(), "k", Spec, CancellationToken.None);
        Assert.NotNull(link.ForStep(DateTimeOffset.UtcNow));
        Assert.Null(link.ForStep(DateTimeOffset.UtcNow + TimeSpan.FromSeconds(31)));
    }

    [Fact]
    public async Task A_teacher_that_is_not_ready_leaves_no_targets()
    {
        var link = Link();
        Assert.Equal(TeacherPull.Answered(null), await link.PullAsync(new FakeTeacher(ready: false), "k", Spec, CancellationToken.None));
        Assert.Null(link.ForStep(DateTimeOffset.UtcNow));
        Assert.Null(link.TeacherVersion);
    }

    [Fact]
    public async Task Nothing_buffered_means_no_pull()
    {
        var teacher = new FakeTeacher();
        Assert.Equal(TeacherPull.Skipped, await Link(rows: 0).PullAsync(teacher, "k", Spec, CancellationToken.None));
        Assert.Empty(teacher.Requests);
    }

    [Fact]
    public async Task One_pull_at_a_time()
    {
        var link = Link();
        var teacher = new FakeTeacher { Gate = new TaskCompletionSource() };
        var first = link.PullAsync(teacher, "k", Spec, CancellationToken.None);
        Assert.Equal(TeacherPull.Skipped, await link.PullAsync(teacher, "k", Spec, CancellationToken.None));
        teacher.Gate.SetResult();
        Assert.True((await first).Pulled);
        Assert.True((await link.PullAsync(teacher, "k", Spec, CancellationToken.None)).Pulled);
    }

    [Fact]
    public async Task A_slow_teacher_times_out_and_the_next_pull_goes_ahead()
    {
        var link = Link(Options(TimeSpan.FromMilliseconds(50)));
        var teacher = new FakeTeacher { Gate = new TaskCompletionSource() };
        await Assert.ThrowsAsync<TimeoutException>(() => link.PullAsync(teacher, "k", Spec, CancellationToken.None));
        teacher.Gate.SetResult();
        Assert.True((await link.PullAsync(teacher, "k", Spec, CancellationToken.None)).Pulled);
    }

    [Fact]
    public async Task Pulls_are_due_every_TeacherPullEveryEvents_events()
    {
        var link = Link();
        Assert.False(link.CountEvents(6));
        Assert.True(link.CountEvents(4));
        await link.PullAsync(new FakeTeacher(), "k", Spec, CancellationToken.None); // a pull restarts the count
        Assert.False(link.CountEvents(9));
    }
}
