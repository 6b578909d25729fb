using StreamLabel.Learning.Teacher;
using StreamLabel.Learning.Tests.Support;

namespace StreamLabel.Learning.Tests.Teacher;

/// <summary>The ensemble teacher beats a one-pass student on noisy labels and teaches through fresh-row distillation.</summary>
public sealed class EnsembleTeacherTests
{
    [Fact]
    public void Teacher_is_more_accurate_than_a_student_on_noisy_labels_and_estimates_the_noise()
    {
        var spec = new LearnerSpec { FeatureCount = 6, ClassCount = 2, Smoothing = 0, SelfCorrection = new() { Enabled = false }, DriftBoost = 1, Device = "cpu", Seed = 3 };
        using var teacher = new EnsembleTeacher(spec, new TeacherOptions { Members = 4, WindowRows = 4000, NoiseEstimateEvery = 1000 });
        using var student = new OnlineLearner(spec);
        var stream = new SyntheticStream(6, 2, seed: 21);
        var rng = new Random(5);
        int teacherRight = 0, studentRight = 0, scored = 0;
        for (int b = 0; b < 200; b++)
        {
            var (x, truth) = stream.Next(32);
            var noisy = truth.Select(y => rng.NextDouble() < 0.4 ? 1 - y : y).ToArray();
            var t = teacher.TestThenTrain(x, 32, noisy);
            var s = student.TestThenTrain(x, 32, noisy);
            if (b < 100) continue;
            for (int r = 0; r < 32; r++)
            {
                if (t.Predicted[r] == truth[r]) teacherRight++;
                if (s.Predicted[r] == truth[r]) studentRight++;
                scored++;
            }
        }
        double ta = (double)teacherRight / scored, sa = (double)studentRight / scored;
        Assert.True(ta > sa + 0.01, $"teacher {ta:0.000} vs student {sa:0.000} against the clean labels");
        Assert.InRange(teacher.Noise.NoiseRate, 0.3, 0.45);
        Assert.Equal(200 * 32, teacher.Labeled);
        Assert.InRange(teacher.MemberWeights.Sum(), 0.999, 1.001);
    }

    [Fact]
    public void Window_is_cut_back_to_its_newest_rows()
    {
        var window = new SlidingWindow(capacity: 10, featureCount: 1, seed: 1);
        window.Add(Enumerable.Range(0, 15).Select(i => (float)i).ToArray(), 15, Enumerable.Range(0, 15).ToArray());
        Assert.Equal(10, window.Count);
        window.CutBack(3);
        var x = new float[200];
        var y = new int[200];
        window.Sample(200, x, y);
        Assert.All(y, label => Assert.InRange(label, 12, 14));
        Assert.Equal(y.Select(v => (float)v), x);
        window.Sample(200, x, y, newest: 1);
        Assert.All(y, label => Assert.Equal(14, label));
    }

    [Fact]
    public void Fresh_distillation_scales_the_teacher_by_its_weight()
    {
        var spec = new LearnerSpec { FeatureCount = 3, ClassCount = 2, Temperature = 2, Device = "cpu" };
        using var student = new OnlineLearner(spec);
        float[] x = [0.1f, 0.2f, 0.3f, -1, 0, 1];
        int[] y = [0, 1];
        float[] teacher = [0.9f, 0.1f, 0.2f, 0.8f];
        Assert.Null(FreshDistillation.For(student, x, 2, y, teacher, 0));

        var full = FreshDistillation.For(student, x, 2, y, teacher, 1)!;
        Assert.Equal(x, full.Features);
        Assert.Equal(0.75, full.TeacherProbabilities[0], 5); // √0.9 / (√0.9 + √0.1)
        var own = student.SoftTargets(x, 2, 2);
        var half = FreshDistillation.For(student, x, 2, y, teacher, 0.5)!;
        for (int i = 0; i < 4; i++) Assert.Equal((full.TeacherProbabilities[i] + own[i]) / 2, half.TeacherProbabilities[i], 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => FreshDistillation.For(student, x, 2, y, teacher, 1.5));
    }

    [Fact]
    public void Options_name_the_bad_field()
    {
        var e = Assert.Throws<ArgumentException>(() => new TeacherOptions { ReplayRows = -1 }.Validate());
        Assert.Equal("ReplayRows", e.ParamName);
        Assert.Throws<ArgumentException>(() => new TeacherOptions { DriftDetector = "magic" }.Validate());
    }
}
