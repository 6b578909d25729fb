namespace StreamLabel.Learning.Tests;

/// <summary>The small stream structures: the prequential window and the replay ring.</summary>
public sealed class StreamBookkeepingTests
{
    [Fact]
    public void Window_accuracy_covers_only_the_last_events()
    {
        var m = new PrequentialMetrics(windowSize: 4);
        Assert.True(double.IsNaN(m.Accuracy));
        foreach (bool hit in (bool[])[true, true, true, true, false, false]) m.Add(hit);
        Assert.Equal(4.0 / 6, m.Accuracy, 10);
        Assert.Equal(0.5, m.WindowAccuracy, 10); // last four: T T F F
        Assert.True(m.WindowFull);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(70)]
    [InlineData(500)]
    public void Window_accuracy_matches_a_plain_count_of_the_last_events(int size)
    {
        // The window is a bit ring; check it against counting the last `size` outcomes directly, across wrap-arounds.
        var m = new PrequentialMetrics(size);
        var random = new Random(size);
        var outcomes = new List<bool>();
        for (int i = 0; i < 3 * size + 17; i++)
        {
            bool hit = random.NextDouble() < 0.7;
            outcomes.Add(hit);
            m.Add(hit);
            var last = outcomes.Skip(Math.Max(0, outcomes.Count - size)).ToList();
            Assert.Equal(last.Count(h => h) / (double)last.Count, m.WindowAccuracy, 12);
        }
    }

    [Fact]
    public void Replay_buffer_keeps_the_most_recent_labeled_rows()
    {
        var buffer = new ReplayBuffer(capacity: 3, featureCount: 1, seed: 1);
        buffer.Add([1f, 2f, 3f, 4f, 5f], 5, [0, -1, 1, 0, 1]); // row 2 (label -1) is not buffered
        Assert.Equal(3, buffer.Count);
        Assert.Equal(3, buffer.Sample(200).Labels.Length); // never more than it holds
        var draws = Enumerable.Range(0, 100).Select(_ => buffer.Sample(2)).ToList();
        var features = draws.SelectMany(d => d.Features).ToArray();
        var labels = draws.SelectMany(d => d.Labels).ToArray();
        Assert.Equal(new[] { 3f, 4f, 5f }, features.Distinct().Order().ToArray()); // 1 aged out, 2 never entered
        for (int i = 0; i < labels.Length; i++) Assert.Equal(features[i] == 4f ? 0 : 1, labels[i]);
    }
}
