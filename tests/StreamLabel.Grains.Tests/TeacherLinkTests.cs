using StreamLabel.Grains.Student;

namespace StreamLabel.Grains.Tests;

/// <summary>The student's teacher link without a cluster: what a pull sends, how the answer becomes soft targets (mixed by
/// the teacher's earned weight), when targets are used, one pull at a time.</summary>
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
        Observe(link, rows);
        return link;
    }

    private static void Observe(TeacherLink link, int rows)
    {
        for (int r = 0; r < rows; r++) link.Observe([r, r + 0.5f], r % 2, predicted: 1);
    }

    // The student's own probabilities of any row: even, so tempering keeps them and the mix is easy to check.
    private static Task<float[]> Own(float[] features, int rows) => Task.FromResult(Enumerable.Repeat(0.5f, rows * 2).ToArray());

    private static Task<TeacherPull> Pull(TeacherLink link, ITeacherGrain teacher) => link.PullAsync(teacher, "k", Spec, Own, CancellationToken.None);

    /// <summary>A teacher that records what it gets and answers fixed probabilities and weight (or waits for <see cref="Gate"/>).</summary>
    private sealed class FakeTeacher(bool ready = true, int version = 5, double weight = 1, double advantage = 0.04) : ITeacherGrain
    {
        public List<TeachRequest> Requests { get; } = [];
        public TaskCompletionSource? Gate { get; set; }

        public async Task<TeachResponse> TeachAsync(TeachRequest request)
        {
            Requests.Add(request);
            if (Gate is { } gate) await gate.Task;
            var p = Enumerable.Range(0, request.Labels.Length).SelectMany(_ => new[] { 0.25f, 0.75f }).ToArray();
            return new TeachResponse(ready ? FloatBytes.ToBytes(p) : [], request.Labels.Length, 2, version, ready, advantage, weight, 0.8);
        }

        public Task<SoftTargetsResponse> GetSoftTargetsAsync(SoftTargetsRequest request) => throw new NotSupportedException();
        public Task<TeacherStatus> GetStatusAsync() => throw new NotSupportedException();
        public Task<TeacherStatus> LoadCheckpointAsync(byte[] snapshot) => throw new NotSupportedException();
        public Task<WarmStartResponse> WarmStartAsync(WarmStartRequest request) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_pull_sends_the_unseen_rows_with_the_students_predictions_and_takes_the_answer_as_targets()
    {
        var link = Link();
        var teacher = new FakeTeacher();
        Assert.Null(link.ForStep(DateTimeOffset.UtcNow)); // no targets yet

        Assert.Equal(TeacherPull.Answered(5), await Pull(link, teacher));
        var sent = Assert.Single(teacher.Requests);
        Assert.Equal([0, 1, 0], sent.Labels);
        Assert.Equal([1, 1, 1], sent.StudentPredicted);
        Assert.Equal((2, "k", Spec.Temperature), (sent.FeatureCount, sent.StudentKey, sent.Temperature));
        Assert.Equal([0f, 0.5f, 1, 1.5f, 2, 2.5f], FloatBytes.ToFloats(sent.Features));
        Assert.Equal(5, link.TeacherVersion);
        Assert.Equal((0.04, 1.0), link.Advantage);

        var batch = link.ForStep(DateTimeOffset.UtcNow);
        Assert.NotNull(batch);
        Assert.Equal(2, batch.Rows);
        Assert.Equal([0.25f, 0.75f, 0.25f, 0.75f], batch.TeacherProbabilities); // weight 1: the teacher's own targets

        Assert.Equal(TeacherPull.Skipped, await Pull(link, teacher)); // nothing new to send, and the targets are fresh
        Observe(link, 2);
        Assert.True((await Pull(link, teacher)).Pulled);
        Assert.Equal((2, true), (teacher.Requests[1].Labels.Length, teacher.Requests[1].Learn));
    }

    [Fact]
    public async Task Without_new_rows_missing_targets_are_asked_for_again_without_teaching_the_rows_twice()
    {
        var link = Link();
        var teacher = new FakeTeacher(ready: false);
        await Pull(link, teacher); // the teacher was not ready: no targets
        teacher = new FakeTeacher();
        Assert.True((await Pull(link, teacher)).Pulled);
        var again = Assert.Single(teacher.Requests);
        Assert.Equal([0, 1, 0], again.Labels);
        Assert.False(again.Learn);
        Assert.NotNull(link.ForStep(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_partly_proven_teacher_is_mixed_with_the_students_own_prediction_by_its_weight()
    {
        var link = Link();
        await Pull(link, new FakeTeacher(weight: 0.5));
        var batch = link.ForStep(DateTimeOffset.UtcNow)!;
        Assert.Equal([0.375f, 0.625f, 0.375f, 0.625f], batch.TeacherProbabilities); // 0.5·(0.25, 0.75) + 0.5·(0.5, 0.5)
    }

    [Fact]
    public async Task A_teacher_with_no_advantage_or_not_ready_leaves_no_targets()
    {
        var link = Link();
        Assert.Equal(TeacherPull.Answered(null), await Pull(link, new FakeTeacher(weight: 0, advantage: -0.02)));
        Assert.Null(link.ForStep(DateTimeOffset.UtcNow));
        Assert.Equal((-0.02, 0.0), link.Advantage);
        Assert.Equal(TeacherPull.Answered(null), await Pull(link, new FakeTeacher(ready: false)));
        Assert.Null(link.ForStep(DateTimeOffset.UtcNow));
        Assert.Null(link.TeacherVersion);
    }

    [Fact]
    public async Task Soft_targets_go_stale()
    {
        var link = Link();
        await Pull(link, new FakeTeacher());
        Assert.NotNull(link.ForStep(DateTimeOffset.UtcNow));
        Assert.Null(link.ForStep(DateTimeOffset.UtcNow + TimeSpan.FromSeconds(31)));
    }

    [Fact]
    public async Task Nothing_buffered_means_no_pull()
    {
        var teacher = new FakeTeacher();
        Assert.Equal(TeacherPull.Skipped, await Pull(Link(rows: 0), teacher));
        Assert.Empty(teacher.Requests);
    }

    [Fact]
    public async Task One_pull_at_a_time()
    {
        var link = Link();
        var teacher = new FakeTeacher { Gate = new TaskCompletionSource() };
        var first = Pull(link, teacher);
        Assert.Equal(TeacherPull.Skipped, await Pull(link, teacher));
        teacher.Gate.SetResult();
        Assert.True((await first).Pulled);
        Observe(link, 1);
        Assert.True((await Pull(link, teacher)).Pulled);
    }

    [Fact]
    public async Task A_slow_teacher_times_out_and_the_next_pull_goes_ahead()
    {
        var link = Link(Options(TimeSpan.FromMilliseconds(50)));
        var teacher = new FakeTeacher { Gate = new TaskCompletionSource() };
        await Assert.ThrowsAsync<TimeoutException>(() => Pull(link, teacher));
        teacher.Gate.SetResult();
        Assert.True((await Pull(link, teacher)).Pulled); // no targets held: the buffered rows are asked for again
    }

    [Fact]
    public async Task Pulls_are_due_every_TeacherPullEveryEvents_events()
    {
        var link = Link();
        Assert.False(link.CountEvents(6));
        Assert.True(link.CountEvents(4));
        await Pull(link, new FakeTeacher()); // a pull restarts the count
        Assert.False(link.CountEvents(9));
    }
}
