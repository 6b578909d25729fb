using StreamLabel.Datasets;
using StreamLabel.Learning;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>
/// A real teacher checkpoint file: a <see cref="ReplayTeacher"/> of the learning core trained on the first Elec2 rows,
/// saved as its snapshot bytes (what `streamlabel teacher load` sends and TeacherGrain restores).
/// </summary>
public static class TeacherCheckpoint
{
    public sealed record File(string Path, long Version, long SamplesLearned);

    public static async Task<File> WriteAsync(int rows)
    {
        var data = CsvDatasetReader.Read(LiveCluster.Dataset, "class").Take(rows);
        var student = new LearnerSpec { FeatureCount = data.FeatureCount, ClassCount = data.ClassCount, HiddenLayers = [], Device = "cpu" }.Validate();
        using var teacher = new ReplayTeacher(ReplayTeacher.DefaultSpecFor(student), bufferCapacity: 500, replayBatches: 1);
        var features = data.Features.SelectMany(r => r).ToArray();
        int f = data.FeatureCount;
        for (int start = 0; start < data.Count; start += 100)
        {
            int n = Math.Min(100, data.Count - start);
            teacher.Learn(features.AsSpan(start * f, n * f), n, data.Labels.AsSpan(start, n));
        }
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"teacher-{Guid.NewGuid():N}.ckpt");
        await System.IO.File.WriteAllBytesAsync(path, teacher.Snapshot());
        return new File(path, teacher.Learner.Version, teacher.Learner.Counters.EventsLearned);
    }
}
