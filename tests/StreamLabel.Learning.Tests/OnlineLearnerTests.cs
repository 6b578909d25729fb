using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests;

public sealed class OnlineLearnerTests
{
    private static LearnerSpec Spec(int seed = 3) => new() { FeatureCount = 4, ClassCount = 3, HiddenLayers = [16], LearningRate = 0.02, Seed = seed, Device = "cpu" };

    [Fact]
    public void Learns_a_separable_rule_prequentially()
    {
        using var learner = new OnlineLearner(Spec());
        var stream = new SyntheticStream(features: 4, classes: 3, seed: 11);
        double late = 0; int lateRows = 0;
        for (int step = 0; step < 200; step++)
        {
            var (x, y) = stream.Next(32);
            var result = learner.TestThenTrain(x, 32, y);
            Assert.Equal(32 * 3, result.Probabilities.Length);
            if (step >= 150) { late += result.Correct; lateRows += result.Labeled; }
        }
        Assert.True(late / lateRows > 0.9, $"late accuracy {late / lateRows}");
        Assert.Equal(200, learner.Version);
        Assert.Equal(200 * 32, learner.Counters.EventsLearned);
        Assert.Equal("cpu", learner.Device);
    }

    [Fact]
    public void Unlabeled_rows_are_predicted_but_neither_scored_nor_learned()
    {
        using var learner = new OnlineLearner(Spec());
        var stream = new SyntheticStream(4, 3, seed: 5);
        var (x, y) = stream.Next(8);
        y[1] = -1; y[5] = -1;
        var result = learner.TestThenTrain(x, 8, y);
        Assert.Equal(6, result.Labeled);
        Assert.Equal(8, result.Predicted.Length);
        Assert.Equal(6, learner.Counters.EventsLearned);
        Assert.Equal(8, learner.Counters.EventsSeen);

        var none = Enumerable.Repeat(-1, 8).ToArray();
        var predictOnly = learner.TestThenTrain(x, 8, none);
        Assert.Equal(1, learner.Version); // no step without labels
        Assert.True(double.IsNaN(predictOnly.Loss));
    }
}
