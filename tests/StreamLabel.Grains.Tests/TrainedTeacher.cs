using StreamLabel.Datasets;
using StreamLabel.Grains.Teacher;
using StreamLabel.Learning.Teacher;

namespace StreamLabel.Grains.Tests;

/// <summary>A teacher that knows the concept before any student's first event: the grain's default ensemble teacher
/// (group "default") after learning a dataset's first rows with their clean labels, written as a checkpoint file
/// (Teacher:Checkpoints:default). The caller deletes the file.</summary>
internal static class TrainedTeacher
{
    public static async Task<string> CheckpointAsync(LabeledDataset data, ModelSpec spec, int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ensemble-{Guid.NewGuid():N}.bin");
        var options = new StreamLabel.Grains.Teacher.TeacherOptions();
        using var trained = new EnsembleTeacher(TeacherGrain.MemberSource(spec, "default", options), TeacherGrain.EnsembleOptions("default", options));
        int f = spec.FeatureCount;
        var features = data.Features.Take(rows).SelectMany(r => r).ToArray();
        for (int start = 0; start < rows; start += 100)
        {
            int n = Math.Min(100, rows - start);
            trained.TestThenTrain(features.AsSpan(start * f, n * f), n, data.Labels.AsSpan(start, n));
        }
        await File.WriteAllBytesAsync(path, trained.Snapshot());
        return path;
    }
}
