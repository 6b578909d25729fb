using System.Globalization;
using StreamLabel.Datasets;
using StreamLabel.Streaming.Replay;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>
/// A slice of the bundled Elec2 stream keyed by its `day` column (7 students) through the replayer's KeyColumn. Each
/// scenario shifts the day values by its own offset (day 3 of scenario 20 is key "23"), so scenarios sharing the
/// cluster never feed the same students.
/// </summary>
internal sealed class Elec2Scenario
{
    /// <summary>Producer settings of every replay: fail within a minute instead of librdkafka's default five.</summary>
    private static readonly Dictionary<string, string> ProducerSettings = new() { ["message.timeout.ms"] = "60000" };

    private static readonly Lazy<LabeledDataset> Data = new(() =>
        CsvDatasetReader.Read(Path.Combine(AppContext.BaseDirectory, "data", "elec2.csv.gz"), "class"));

    /// <summary>The whole bundled Elec2 stream (8 features).</summary>
    public static LabeledDataset Dataset => Data.Value;

    public LabeledDataset Rows { get; }
    public IReadOnlyList<string> Keys { get; }
    private readonly int _day;

    public Elec2Scenario(int keyOffset, int rows, int skip = 0)
    {
        var all = Data.Value;
        _day = all.FeatureNames.ToList().IndexOf("day");
        var features = all.Features.Skip(skip).Take(rows).Select(r =>
        {
            var copy = (float[])r.Clone();
            copy[_day] += keyOffset;
            return copy;
        }).ToArray();
        Rows = all with { Features = features, Labels = all.Labels.Skip(skip).Take(rows).ToArray() };
        Keys = Enumerable.Range(1, 7).Select(d => (d + keyOffset).ToString(CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>Events per key in rows [from, to).</summary>
    public Dictionary<string, long> ProducedPerKey(int from = 0, int? to = null) =>
        Keys.ToDictionary(k => k, k => (long)Rows.Features[from..(to ?? Rows.Count)].Count(r => Key(r) == k));

    private string Key(float[] row) => row[_day].ToString(CultureInfo.InvariantCulture);

    public LabeledDataset Slice(int from, int to) =>
        Rows with { Features = Rows.Features[from..to], Labels = Rows.Labels[from..to] };

    /// <summary>Replays rows [from, to) into the topic, keyed by day, a fraction <paramref name="unlabeled"/> of them
    /// without a label (the students publish predictions of those); returns how many were produced.</summary>
    public Task<long> ProduceAsync(string bootstrap, string topic, int from, int to, double noise = 0.1, double rate = 0, int seed = 1, double unlabeled = 0) =>
        new DatasetReplayer(bootstrap, ProducerSettings).ReplayAsync(Slice(from, to), new ReplayOptions
        {
            Topic = topic, KeyColumn = "day", Noise = noise, Rate = rate, Seed = seed, Unlabeled = unlabeled,
        });

    /// <summary>Elec2 rows [from, rows), all 8 features, clean labels, under one model key.</summary>
    public static Task<long> ProduceSingleKeyAsync(string bootstrap, string topic, string key, int rows, int from = 0)
    {
        var data = Data.Value.Take(rows);
        var slice = data with { Features = data.Features[from..], Labels = data.Labels[from..] };
        return new DatasetReplayer(bootstrap, ProducerSettings).ReplayAsync(slice, new ReplayOptions { Topic = topic, Key = key });
    }
}
