using System.Reflection;
using StreamLabel.Learning.Teacher;
using StreamLabel.Learning.Tests.Support;
using TorchSharp;

namespace StreamLabel.Learning.Tests.Teacher;

/// <summary>
/// A teacher grain persists the ensemble teacher's snapshot and resumes from it: after a restore the same stream gives
/// bit-identical steps, window draws and state, and damaged bytes are refused without leaking the members.
/// </summary>
public sealed class EnsembleTeacherSnapshotTests
{
    private const int Rows = 32, SnapshotAt = 130, Batches = 170;

    private static readonly LearnerSpec Spec = new() { FeatureCount = 8, ClassCount = 2, Device = "cpu", Seed = 4 };

    // Small members and a short noise period, so that a short stream has a drift, a cut-back window and a noise estimate.
    private static readonly TeacherOptions Options = new() { Members = 3, HiddenLayers = [16, 16], KeepOnDrift = 300, NoiseEstimateEvery = 500 };

    [Fact]
    public void Restored_teacher_continues_bit_exact_after_a_drift()
    {
        var batches = Stream();
        using var original = Trained(batches);
        Assert.True(original.DriftsDetected > 0, "scenario too easy: the teacher's detector never fired");
        Assert.True(original.WindowCount < original.Labeled, $"the window ({original.WindowCount} rows) was never cut back");
        Assert.True(original.Noise.Estimates > 0, "the noise matrix was never estimated");

        using var restored = EnsembleTeacher.Restore(original.Snapshot(), "cpu");
        for (int b = SnapshotAt; b < Batches; b++)
        {
            var (x, y) = batches[b];
            var a = original.TestThenTrain(x, Rows, y);
            var c = restored.TestThenTrain(x, Rows, y);
            Assert.Equal(a.Probabilities, c.Probabilities); // exact float equality
            Assert.Equal(a.CleanProbabilities, c.CleanProbabilities);
            Assert.Equal(a.Predicted, c.Predicted);
            Assert.Equal(a.MemberPredicted, c.MemberPredicted);
            Assert.Equal(a.DriftDetected, c.DriftDetected);
            var (sa, sc) = (original.SampleWindow(16)!.Value, restored.SampleWindow(16)!.Value);
            Assert.Equal(sa.Features, sc.Features);
            Assert.Equal(sa.CleanProbabilities, sc.CleanProbabilities);
            var (pa, pc) = (original.PseudoLabeled(16)!.Value, restored.PseudoLabeled(16)!.Value);
            Assert.Equal(pa.Features, pc.Features);
            Assert.Equal(pa.Labels, pc.Labels);
        }
        Assert.Equal(original.MemberWeights, restored.MemberWeights);
        Assert.Equal(original.Snapshot(), restored.Snapshot());
    }

    [Fact]
    public void Snapshot_of_a_restored_teacher_is_the_original_snapshot()
    {
        using var original = Trained(Stream());
        var bytes = original.Snapshot();
        using var restored = EnsembleTeacher.Restore(bytes, "cpu");
        Assert.Equal(bytes, restored.Snapshot());
        Assert.Equal((original.Labeled, original.Correct, original.DriftsDetected), (restored.Labeled, restored.Correct, restored.DriftsDetected));
    }

    [Fact]
    public void Damaged_snapshots_are_refused_and_leak_nothing()
    {
        using var teacher = new EnsembleTeacher(Spec, Options);
        foreach (var (x, y) in Stream().Take(20)) teacher.TestThenTrain(x, Rows, y);
        var bytes = teacher.Snapshot();
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(() => EnsembleTeacher.Restore([1, 2, 3, 4, 5, 6, 7, 8])).Message);
        var future = bytes.ToArray();
        future[4] = 99;
        Assert.Contains("format 99 is not supported", Assert.Throws<InvalidDataException>(() => EnsembleTeacher.Restore(future)).Message);
        Assert.Contains("trailing bytes", Assert.Throws<InvalidDataException>(() => EnsembleTeacher.Restore([.. bytes, 0])).Message);
        // Cut in the header, the options, a member, the window and the counters: the members restored so far are disposed.
        foreach (int length in (int[])[10, 40, 100, 2000, bytes.Length / 2, bytes.Length - 1])
            Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => EnsembleTeacher.Restore(bytes[..length])).Message);

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    public static TheoryData<string> OptionNames() =>
        [.. typeof(TeacherOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name)];

    // The snapshot writes the options field by field: a new option it forgot would come back as its default.
    [Theory]
    [MemberData(nameof(OptionNames))]
    public void A_changed_option_survives_a_snapshot(string name)
    {
        var property = typeof(TeacherOptions).GetProperty(name)!;
        var small = Options with { WindowRows = 50, KeepOnDrift = 10 };
        var changed = small with { };
        property.SetValue(changed, Other(property.GetValue(small)!)); // a fresh copy: setting its init-only property is safe
        using var teacher = new EnsembleTeacher(Spec, changed);
        using var restored = EnsembleTeacher.Restore(teacher.Snapshot(), "cpu");
        Assert.NotEqual(property.GetValue(small), property.GetValue(restored.Options));
        Assert.Equal(property.GetValue(changed), property.GetValue(restored.Options));
    }

    [Fact]
    public void Window_snapshot_holds_the_rows_left_after_a_cut_back()
    {
        var window = new SlidingWindow(capacity: 10, featureCount: 1, seed: 1);
        window.Add(Enumerable.Range(0, 7).Select(i => (float)i).ToArray(), 7, Enumerable.Range(0, 7).ToArray());
        window.CutBack(3); // rows 4, 5, 6 in slots 4..6: not the first Count slots
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) window.Write(w);
        var restored = new SlidingWindow(capacity: 10, featureCount: 1, seed: 2);
        ms.Position = 0;
        using (var r = new BinaryReader(ms)) restored.Read(r);

        var (x1, y1, x2, y2) = (new float[50], new int[50], new float[50], new int[50]);
        window.Sample(50, x1, y1);
        restored.Sample(50, x2, y2);
        Assert.All(y2, label => Assert.InRange(label, 4, 6));
        Assert.Equal(y1, y2);
        Assert.Equal(x1, x2);
    }

    // Leaves the teacher at batch SnapshotAt of the stream.
    private static EnsembleTeacher Trained(List<(float[] X, int[] Y)> batches)
    {
        var teacher = new EnsembleTeacher(Spec, Options);
        for (int b = 0; b < SnapshotAt; b++) teacher.TestThenTrain(batches[b].X, Rows, batches[b].Y);
        return teacher;
    }

    // 30 % label noise throughout and the classes swapped from batch 60 on: a concept drift the teacher's detector sees.
    private static List<(float[] X, int[] Y)> Stream()
    {
        var stream = new SyntheticStream(Spec.FeatureCount, Spec.ClassCount, seed: 17);
        var rng = new Random(3);
        return Enumerable.Range(0, Batches).Select(b =>
        {
            var (x, y) = stream.Next(Rows);
            for (int r = 0; r < Rows; r++)
            {
                if (b >= 60) y[r] = 1 - y[r];
                if (rng.NextDouble() < 0.3) y[r] = 1 - y[r];
            }
            return (x, y);
        }).ToList();
    }

    private static object Other(object value) => value switch
    {
        bool b => !b,
        int i => i + 1,
        double d => d + 0.125,
        string s => s == "adwin" ? "page-hinkley" : "adwin",
        int[] a => (int[])[.. a, 8],
        _ => throw new NotSupportedException($"{value.GetType().Name}: teach EnsembleTeacherSnapshotTests.Other a different value"),
    };
}
