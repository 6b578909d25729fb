using StreamLabel.Grains.Student;

namespace StreamLabel.Grains.Tests;

/// <summary>The student's ring of rows for its teacher: what an idle student lets go of, and what it keeps.</summary>
public sealed class DistillationBufferTests
{
    private static void Add(DistillationBuffer buffer, int from, int rows)
    {
        for (int r = from; r < from + rows; r++) buffer.Add([r, -r], r % 2, predicted: 0);
    }

    [Fact]
    public void An_idle_buffer_releases_the_rows_it_sent_and_keeps_its_targets()
    {
        var buffer = new DistillationBuffer(featureCount: 2, capacity: 64, seed: 3);
        Add(buffer, 0, 40);
        var sent = buffer.TakeUnforwarded(64);
        Assert.Equal(40, sent.Rows);
        buffer.SetTargets(sent.Features, Enumerable.Repeat(0.5f, 80).ToArray(), 40, 2, teacherVersion: 7, DateTimeOffset.UtcNow);
        Assert.Equal(64, buffer.RowsHeld);

        buffer.ReleaseForwarded();
        Assert.Equal(0, buffer.RowsHeld);
        Assert.Equal(0, buffer.Snapshot().Rows);
        var sample = buffer.Sample(4); // the targets are still there for the next steps
        Assert.NotNull(sample);
        Assert.Equal(4, sample.Rows);
        Assert.Equal(7, buffer.TeacherVersion);

        // New rows after the release are sent as before, in order.
        Add(buffer, 100, 20);
        Assert.Equal(32, buffer.RowsHeld); // grown again from 16
        var next = buffer.TakeUnforwarded(64);
        Assert.Equal(20, next.Rows);
        Assert.Equal(Enumerable.Range(100, 20).SelectMany(r => new float[] { r, -r }), next.Features);
        Assert.Equal(Enumerable.Range(100, 20).Select(r => r % 2), next.Labels);
    }

    [Fact]
    public void Rows_not_yet_sent_are_kept()
    {
        var buffer = new DistillationBuffer(featureCount: 2, capacity: 8, seed: 3);
        Add(buffer, 0, 12); // wraps around: the last 8 are held
        buffer.ReleaseForwarded();
        var sent = buffer.TakeUnforwarded(8);
        Assert.Equal(Enumerable.Range(4, 8).SelectMany(r => new float[] { r, -r }), sent.Features);
        buffer.ReleaseForwarded();
        Assert.Equal(0, buffer.RowsHeld);
    }
}
