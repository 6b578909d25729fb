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

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(401)]
    public void The_packed_window_counts_as_a_plain_list_of_the_last_rows(int window)
    {
        var a = new TeacherAdvantage(windowRows: window);
        var outcomes = new List<int>(); // +1 win, -1 loss, 0 neither: the reference window
        var rng = new Random(window);
        for (int batch = 0; batch < 60; batch++)
        {
            int n = rng.Next(1, 40);
            var labels = Enumerable.Range(0, n).Select(_ => rng.Next(4) - 1).ToArray(); // -1: unlabeled
            var teacher = labels.Select(_ => rng.Next(3)).ToArray();
            var student = labels.Select(_ => rng.Next(3)).ToArray();
            a.Add(teacher, student, labels);
            for (int r = 0; r < n; r++)
                if (labels[r] >= 0)
                    outcomes.Add(teacher[r] == labels[r] && student[r] != labels[r] ? 1 : student[r] == labels[r] && teacher[r] != labels[r] ? -1 : 0);
            var last = outcomes.Skip(Math.Max(0, outcomes.Count - window)).ToList();
            int wins = last.Count(o => o > 0), losses = last.Count(o => o < 0);
            Assert.Equal(last.Count == 0 ? 0 : (double)(wins - losses) / last.Count, a.Advantage, 12);
            Assert.Equal(wins + losses == 0 ? 0 : (wins - losses) / Math.Sqrt(wins + losses), a.Z, 12);
        }
    }

    [Fact]
    public void An_idle_student_costs_its_teacher_a_few_bytes_and_a_full_window_a_quarter_byte_per_row()
    {
        var a = new TeacherAdvantage(windowRows: 5000);
        a.Add([0], [1], [0]);
        Assert.InRange(a.BytesHeld, 1, 16);
        for (int i = 0; i < 300; i++) a.Add(new int[32], new int[32], new int[32]);
        Assert.Equal(1250, a.BytesHeld);
    }
}
