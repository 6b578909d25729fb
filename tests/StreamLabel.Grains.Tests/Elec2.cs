using StreamLabel.Datasets;

namespace StreamLabel.Grains.Tests;

/// <summary>The bundled real Elec2 stream, read once per test run.</summary>
internal static class Elec2
{
    private static readonly Lazy<LabeledDataset> Data = new(() =>
        CsvDatasetReader.Read(Path.Combine(AppContext.BaseDirectory, "data", "elec2.csv.gz"), "class"));

    public static LabeledDataset Rows(int count) => Data.Value.Take(count);

    /// <summary>Rows [start, start + count) of a dataset, as their own stream.</summary>
    public static LabeledDataset Slice(LabeledDataset data, int start, int count) =>
        data with { Features = data.Features[start..(start + count)], Labels = data.Labels[start..(start + count)] };

    public static ModelSpec Spec(int featureCount, string? teacherGroup = "default") =>
        new(featureCount, ["DOWN", "UP"], [32]) { TeacherGroup = teacherGroup };
}
