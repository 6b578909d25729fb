using StreamLabel.Learning.Regularization;
using StreamLabel.Learning.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Tests;

/// <summary>How the facade composes the pieces: order of test and train, drift resets, validation messages.</summary>
public sealed class LearnerBehaviourTests
{
    private static LearnerSpec Spec => new() { FeatureCount = 4, ClassCount = 2, HiddenLayers = [8], LearningRate = 0.05, Device = "cpu", Seed = 4 };

    [Fact]
    public void Predictions_are_made_before_learning_from_the_batch()
    {
        using var learner = new OnlineLearner(Spec);
        using var twin = new OnlineLearner(Spec);
        var (x, y) = new SyntheticStream(4, 2, 2).Next(32);
        var result = learner.TestThenTrain(x, 32, y);
        Assert.Equal(1, learner.Version);
        // The untrained twin, with the same standardizer statistics, predicts what the result reports...
        twin.Classifier.Standardizer.Update(x, 32);
        var untrained = twin.PredictProbabilities(x, 32);
        for (int i = 0; i < untrained.Length; i++) Assert.Equal(untrained[i], result.Probabilities[i], 5);
        // ...and the learner itself has moved on.
        var after = learner.PredictProbabilities(x, 32);
        Assert.True(after.Zip(untrained).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "the step changed nothing");
    }

    [Fact]
    public void A_detected_drift_resets_maturity_so_new_labels_are_trusted()
    {
        var spec = Spec with { SelfCorrection = new SelfCorrectionOptions { MaturityEvents = 300 }, DriftDetector = DriftDetectorKind.Adwin };
        using var learner = new OnlineLearner(spec);
        var stream = new SyntheticStream(4, 2, 8);
        for (int i = 0; i < 150; i++) { var (x, y) = stream.Next(16); learner.TestThenTrain(x, 16, y); }
        Assert.True(learner.GlobalTrust > 0.9, $"trust after 2400 clean events: {learner.GlobalTrust}");
        bool drift = false;
        for (int i = 0; i < 60 && !drift; i++)
        {
            var (x, y) = stream.Next(16);
            for (int r = 0; r < 16; r++) y[r] = 1 - y[r]; // abrupt swap
            var result = learner.TestThenTrain(x, 16, y);
            drift = result.DriftDetected;
            if (drift) Assert.Equal("adwin", result.DriftDetector);
        }
        Assert.True(drift, "the swap was not detected within 960 events");
        Assert.True(learner.GlobalTrust < 0.05, $"trust after the drift: {learner.GlobalTrust}");
        Assert.Equal(1, learner.Counters.DriftsDetected);
    }

    [Fact]
    public void The_two_smoothing_conventions_agree_when_epsilons_are_converted()
    {
        using var scope = NewDisposeScope();
        var y = tensor(new long[] { 0, 3, 1, 4 });
        var others = LabelSmoothing.Targets(y, 5, 0.2, SmoothingConvention.Others);
        var uniform = LabelSmoothing.Targets(y, 5, LabelSmoothing.OthersToUniform(0.2, 5), SmoothingConvention.Uniform);
        Assert.True(others.sub(uniform).abs().max().ToDouble() < 1e-6);
        Assert.Equal(0.8, others[0, 0].ToDouble(), 6);
        Assert.Equal(0.05, others[0, 1].ToDouble(), 6);
    }

    [Fact]
    public void Distillation_stays_finite_for_huge_logits()
    {
        using var scope = NewDisposeScope();
        var s = tensor(new float[] { 900, -900, 0, -900, 900, 0 }, [2, 3]);
        var teacher = tensor(new float[] { 1, 0, 0, 0, 0, 1 }, [2, 3]);
        var kd = DistillationLoss.FromProbabilities(s, teacher, 1.0).ToDouble();
        Assert.True(double.IsFinite(kd) && kd > 0, $"kd = {kd}");
    }

    [Theory]
    [InlineData("FeatureCount")]
    [InlineData("ClassCount")]
    [InlineData("HiddenLayers[0]")]
    [InlineData("Optimizer")]
    [InlineData("LearningRate")]
    [InlineData("Smoothing")]
    [InlineData("SmoothingConvention")]
    [InlineData("SelfCorrection.MinWeight")]
    [InlineData("DriftDetector")]
    [InlineData("DriftBoost")]
    [InlineData("DistillationWeight")]
    [InlineData("Temperature")]
    [InlineData("Device")]
    public void Validation_names_the_bad_field(string field)
    {
        var spec = field switch
        {
            "FeatureCount" => Spec with { FeatureCount = 0 },
            "ClassCount" => Spec with { ClassCount = 1 },
            "HiddenLayers[0]" => Spec with { HiddenLayers = [0] },
            "Optimizer" => Spec with { Optimizer = (OptimizerKind)7 },
            "LearningRate" => Spec with { LearningRate = -1 },
            "Smoothing" => Spec with { Smoothing = 1 },
            "SmoothingConvention" => Spec with { SmoothingConvention = (SmoothingConvention)7 },
            "SelfCorrection.MinWeight" => Spec with { SelfCorrection = new SelfCorrectionOptions { MinWeight = 1.5 } },
            "DriftDetector" => Spec with { DriftDetector = (DriftDetectorKind)7 },
            "DriftBoost" => Spec with { DriftBoost = 0.5 },
            "DistillationWeight" => Spec with { DistillationWeight = 2 },
            "Temperature" => Spec with { Temperature = 0 },
            "Device" => Spec with { Device = "tpu" },
            _ => throw new ArgumentException(field),
        };
        var e = Assert.Throws<ArgumentException>(() => new OnlineLearner(spec));
        Assert.Equal(field, e.ParamName);
        Assert.Contains("LearnerSpec." + field, e.Message);
    }

    [Fact]
    public void Bad_batches_are_rejected_with_the_reason()
    {
        using var learner = new OnlineLearner(Spec);
        var x = new float[8];
        Assert.Contains("features", Assert.Throws<ArgumentException>(() => learner.TestThenTrain(x, 3, [0, 1, 0])).Message);
        Assert.Contains("label at row 1", Assert.Throws<ArgumentOutOfRangeException>(() => learner.TestThenTrain(x, 2, [0, 2])).Message);
        Assert.Contains("TeacherProbabilities", Assert.Throws<ArgumentException>(() =>
            learner.TestThenTrain(x, 2, [0, 1], new DistillationBatch(new float[4], 1, new float[3]))).Message);
    }
}
