using StreamLabel.Learning.Teacher;

namespace StreamLabel.Learning.Tests.Teacher;

/// <summary>The distillation weight is zero without a measured advantage and rises as the teacher proves itself.</summary>
public sealed class TeacherAdvantageTests
{
    [Fact]
    public void Weight_is_zero_when_the_teacher_is_no_better()
    {
        var a = new TeacherAdvantage(windowRows: 1000);
        var rng = new Random(1);
        for (int i = 0; i < 100; i++)
        {
            var labels = Enumerable.Range(0, 10).Select(_ => rng.Next(2)).ToArray();
            // The student is right whenever the teacher is, and sometimes more.
            var teacher = labels.Select(y => rng.NextDouble() < 0.7 ? y : 1 - y).ToArray();
            var student = teacher.Select((t, r) => t == labels[r] || rng.NextDouble() < 0.3 ? labels[r] : t).ToArray();
            a.Add(teacher, student, labels);
        }
        Assert.True(a.Advantage < 0);
        Assert.Equal(0, a.Weight);
    }

    [Fact]
    public void Weight_rises_with_evidence_and_falls_when_the_teacher_loses()
    {
        var a = new TeacherAdvantage(windowRows: 400, zeroAt: 0, fullAt: 1.5);
        int[] labels = [0, 1, 0, 1];
        Assert.Equal(0, a.Weight);
        a.Add([0, 1, 0, 1], [1, 1, 0, 1], labels); // one win
        double afterOne = a.Weight;
        Assert.InRange(afterOne, 0.5, 0.8); // z = 1
        for (int i = 0; i < 10; i++) a.Add([0, 1, 0, 1], [1, 1, 0, 1], labels);
        Assert.Equal(1, a.Weight);
        for (int i = 0; i < 100; i++) a.Add([1, 1, 0, 1], [0, 1, 0, 1], labels); // the student now wins; old wins leave the window
        Assert.Equal(0, a.Weight);
        Assert.Equal(-0.25, a.Advantage, 6);
    }

    [Fact]
    public void Unlabeled_rows_do_not_count()
    {
        var a = new TeacherAdvantage();
        a.Add([0, 1], [1, 0], [-1, -1]);
        Assert.Equal(0, a.Z);
        Assert.Throws<ArgumentException>(() => a.Add([0], [0, 1], [0, 1]));
    }
}
