using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests;

/// <summary>A student that gets no labels at all, only a teacher's soft targets, comes to agree with the teacher.</summary>
public sealed class DistillationTests
{
    [Fact]
    public void A_student_learns_from_teacher_soft_targets_alone()
    {
        var spec = new LearnerSpec { FeatureCount = 4, ClassCount = 3, HiddenLayers = [16], LearningRate = 0.02, Device = "cpu", Seed = 5 };
        using var teacher = new ReplayTeacher(ReplayTeacher.DefaultSpecFor(spec), bufferCapacity: 1000);
        using var student = new OnlineLearner(spec);
        var stream = new SyntheticStream(4, 3, seed: 17);
        for (int i = 0; i < 150; i++) { var (x, y) = stream.Next(32); teacher.Learn(x, 32, y); }

        var unlabeled = Enumerable.Repeat(-1, 32).ToArray();
        double? firstAgreement = null, lastAgreement = null;
        for (int i = 0; i < 150; i++)
        {
            var (x, _) = stream.Next(32);
            var batch = teacher.SampleDistillationBatch(32, spec.Temperature)!;
            var result = student.TestThenTrain(x, 32, unlabeled, batch);
            Assert.Equal(0, result.Labeled);
            Assert.True(double.IsFinite(result.Loss));
            firstAgreement ??= result.TeacherAgreement;
            lastAgreement = result.TeacherAgreement;
        }
        Assert.Equal(150 * 32, student.Counters.DistilledSamples);
        Assert.Equal(0, student.Counters.EventsLearned);
        Assert.True(lastAgreement > 0.9 && lastAgreement > firstAgreement,
            $"agreement with the teacher went from {firstAgreement} to {lastAgreement}");
    }
}
