using StreamLabel.Learning.Tests.Support;
using TorchSharp;

namespace StreamLabel.Learning.Tests;

/// <summary>Every step disposes its tensors: live tensor counts stay flat over many steps.</summary>
public sealed class NativeMemoryTests
{
    [Fact]
    public void Live_tensor_count_stays_flat_over_many_steps()
    {
        var spec = new LearnerSpec { FeatureCount = 6, ClassCount = 4, HiddenLayers = [16], Device = "cpu" };
        using var teacher = new ReplayTeacher(ReplayTeacher.DefaultSpecFor(spec), bufferCapacity: 200);
        using var student = new OnlineLearner(spec);
        var stream = new SyntheticStream(6, 4, seed: 3);

        void Run(int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                var (x, y) = stream.Next(16);
                if (i % 3 == 0) y[0] = -1; // mixed labeled/unlabeled batches take the index_select path
                var distill = teacher.SampleDistillationBatch(8, spec.Temperature);
                student.TestThenTrain(x, 16, y, distill);
                teacher.Learn(x, 16, y);
                student.PredictProbabilities(x, 16);
                student.SoftTargets(x, 16, 2.0);
                student.Snapshot();
            }
        }

        Run(20); // warm up: lazily created gradients exist from here on
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Run(300);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after <= before, $"live tensors grew from {before} to {after} over 300 steps");
    }
}
