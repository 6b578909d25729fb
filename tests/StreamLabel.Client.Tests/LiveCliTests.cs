using System.Text.Json;
using StreamLabel.Client.Tests.Infrastructure;

namespace StreamLabel.Client.Tests;

/// <summary>Every cluster command against a real silo fed by a real replay through the embedded broker.</summary>
[Collection(LiveCollection.Name)]
public sealed class LiveCliTests(LiveFixture live)
{
    private Task<CliRunner.Result> Run(params string[] args) => CliRunner.RunAsync([.. args, .. live.Cluster.Connect]);

    private static CliRunner.Result Ok(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    [Fact]
    public async Task Replay_json_reports_what_it_produced()
    {
        var j = live.Replay.Json();
        Assert.Equal(LiveFixture.Events, j.GetProperty("produced").GetInt64());
        Assert.Equal("events", j.GetProperty("topic").GetString());
        Assert.Equal("elec2.csv.gz", j.GetProperty("dataset").GetString());
        Assert.Equal(0.2, j.GetProperty("noise").GetDouble());
        Assert.Equal("symmetric", j.GetProperty("noiseKind").GetString());
        Assert.Equal(0.5, j.GetProperty("driftAt").GetDouble());
        Assert.True(j.GetProperty("eventsPerSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task Status_json_lists_the_silo_with_its_metadata_and_partition_lag()
    {
        var j = Ok(await Run("status", "--json")).Json();
        var silo = Assert.Single(j.GetProperty("silos").EnumerateArray());
        Assert.Equal("silo-test-0", silo.GetProperty("name").GetString());
        Assert.Equal("active", silo.GetProperty("status").GetString(), ignoreCase: true);
        Assert.Equal("cpu", silo.GetProperty("metadata").GetProperty("accelerator").GetString());
        Assert.Equal("test", silo.GetProperty("metadata").GetProperty("zone").GetString());
        Assert.True(j.GetProperty("models").GetInt32() >= 1);
        Assert.True(j.GetProperty("eventsSeen").GetInt64() >= LiveFixture.Events);
        Assert.Equal(JsonValueKind.Null, j.GetProperty("clusterInfoError").ValueKind);
        var partitions = j.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(LiveCluster.Partitions, partitions.Count);
        // Each partition's applied offset is behind or at its high watermark; together they hold every replayed event.
        Assert.True(partitions.Sum(p => p.GetProperty("committedOffset").GetInt64()) >= LiveFixture.Events);
        foreach (var p in partitions)
            Assert.Equal(Math.Max(0, p.GetProperty("highWatermark").GetInt64() - p.GetProperty("committedOffset").GetInt64()), p.GetProperty("lag").GetInt64());
        Assert.Equal(partitions.Sum(p => p.GetProperty("lag").GetInt64()), j.GetProperty("consumerLag").GetInt64());
        Assert.Equal(0, j.GetProperty("deadLetters").GetInt64());
    }

    [Fact]
    public async Task Status_table_shows_silo_and_metadata()
    {
        var r = Ok(await Run("status"));
        Assert.Contains("silo-test-0", r.Out);
        Assert.Contains("accelerator=cpu", r.Out);
        Assert.Contains("models: ", r.Out);
        Assert.Contains("consumer lag: ", r.Out);
    }

    [Fact]
    public async Task Models_json_has_the_documented_fields_with_real_values()
    {
        var rows = Ok(await Run("models", "--json")).Json().EnumerateArray().ToList();
        var row = rows.Single(r => r.GetProperty("key").GetString() == LiveFixture.Key);
        foreach (var field in new[] { "key", "eventsSeen", "eventsLearned", "accuracy", "windowAccuracy", "loss", "corrections", "downWeights",
                     "driftEvents", "modelVersion", "teacherVersion", "teacherStalenessSeconds", "teacherAgreement", "eventsPerSecond", "silo" })
            Assert.True(row.TryGetProperty(field, out _), $"models --json lacks '{field}'");
        Assert.True(row.GetProperty("eventsSeen").GetInt64() >= LiveFixture.Events);
        Assert.Equal(row.GetProperty("eventsSeen").GetInt64(), row.GetProperty("eventsLearned").GetInt64());
        double accuracy = row.GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 0.55, 1.0); // learns Elec2 better than chance despite 20% noise
        Assert.True(row.GetProperty("modelVersion").GetInt32() >= 1);
    }

    [Fact]
    public async Task Models_table_has_one_row_per_key()
    {
        var r = Ok(await Run("models"));
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("KEY", lines[0]);
        Assert.Contains(lines, l => l.StartsWith(LiveFixture.Key + " "));
    }

    [Fact]
    public async Task Model_json_has_series_and_drift_times()
    {
        var j = Ok(await Run("model", LiveFixture.Key, "--json")).Json();
        Assert.Equal(LiveFixture.Key, j.GetProperty("model").GetProperty("key").GetString());
        var series = j.GetProperty("series").EnumerateArray().ToList();
        Assert.True(series.Count >= LiveFixture.Events / 100 - 1, $"only {series.Count} points");
        Assert.True(series.Zip(series.Skip(1)).All(p => p.Second.GetProperty("events").GetInt64() > p.First.GetProperty("events").GetInt64()));
        foreach (var p in series) Assert.InRange(p.GetProperty("windowAccuracy").GetDouble(), 0, 1);
        // The replay swapped the classes at half the stream: the window-drop detector sees it after that point.
        var drifts = j.GetProperty("drifts").EnumerateArray().ToList();
        Assert.True(drifts.Count > 0, "no drift detected; series: " + string.Join(" ", series.Select(p => $"{p.GetProperty("events").GetInt64()}:{p.GetProperty("windowAccuracy").GetDouble():F2}")));
        Assert.True(drifts.Any(d => d.GetProperty("events").GetInt64() > LiveFixture.Events / 2), "drifts at " + string.Join(",", drifts.Select(d => d.GetProperty("events").GetInt64())));
        Assert.Equal(8, j.GetProperty("spec").GetProperty("featureCount").GetInt32());
    }

    [Fact]
    public async Task Model_table_prints_facts_series_and_drifts()
    {
        var r = Ok(await Run("model", LiveFixture.Key, "--points", "3"));
        Assert.Contains("window accuracy", r.Out);
        Assert.Contains("WINDOW_ACC", r.Out);
        Assert.Contains("window-drop", r.Out);
    }

    [Fact]
    public async Task Unknown_model_exits_1_and_names_the_key()
    {
        var r = await Run("model", "no-such-model");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("no model 'no-such-model'", r.Error);
        Assert.Contains(LiveFixture.Key, r.Error); // lists the known keys
    }

    [Fact]
    public async Task Predict_json_gives_probabilities_class_and_version()
    {
        var j = Ok(await Run("predict", LiveFixture.Key, "--features", "0,2,0.5,0.06,0.42,0.003,0.42,0.41", "--json")).Json();
        var probabilities = j.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToList();
        Assert.Equal(2, probabilities.Count);
        Assert.Equal(1.0, probabilities.Sum(), 3);
        var classes = j.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(["DOWN", "UP"], classes);
        Assert.Equal(classes[probabilities.IndexOf(probabilities.Max())], j.GetProperty("predictedClass").GetString());
        Assert.True(j.GetProperty("modelVersion").GetInt32() >= 1);
    }

    [Fact]
    public async Task Predict_with_the_wrong_width_names_the_expected_count()
    {
        var r = await Run("predict", LiveFixture.Key, "--features", "1,2,3");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("has 3 values, model 'elec2' expects 8", r.Error);
    }

    [Fact]
    public async Task Spec_set_changes_only_given_fields_and_bumps_the_version()
    {
        const string key = "spec-roundtrip";
        var first = Ok(await Run("spec", "set", key, "--features", "3", "--classes", "a,b,c", "--hidden", "16,8", "--json")).Json().GetProperty("spec");
        Assert.Equal(3, first.GetProperty("featureCount").GetInt32());
        Assert.Equal([16, 8], first.GetProperty("hiddenLayers").EnumerateArray().Select(e => e.GetInt32()));
        var second = Ok(await Run("spec", "set", key, "--smoothing", "0.2", "--teacher-group", "none", "--json")).Json().GetProperty("spec");
        Assert.Equal(0.2, second.GetProperty("smoothing").GetDouble());
        Assert.Equal(3, second.GetProperty("featureCount").GetInt32()); // kept
        Assert.Equal(JsonValueKind.Null, second.GetProperty("teacherGroup").ValueKind);
        Assert.True(second.GetProperty("version").GetInt32() > first.GetProperty("version").GetInt32());
        var shown = Ok(await Run("spec", "show", key, "--json")).Json();
        Assert.Equal(key, shown.GetProperty("key").GetString());
        Assert.Equal(second.GetProperty("version").GetInt32(), shown.GetProperty("spec").GetProperty("version").GetInt32());
        var table = Ok(await Run("spec", "show", key));
        Assert.Contains("smoothing", table.Out);
        Assert.Contains("a,b,c", table.Out);
    }

    [Fact]
    public async Task Spec_set_for_a_new_key_needs_features_and_classes()
    {
        var r = await Run("spec", "set", "brand-new-key", "--smoothing", "0.1");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--features and --classes are required", r.Error);
    }

    [Fact]
    public async Task Spec_set_from_a_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"spec-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"featureCount": 4, "classes": ["x", "y"], "hiddenLayers": [], "temperature": 3.5}""");
        var j = Ok(await Run("spec", "set", "from-file", "--file", file, "--json")).Json().GetProperty("spec");
        Assert.Equal(4, j.GetProperty("featureCount").GetInt32());
        Assert.Equal(3.5, j.GetProperty("temperature").GetDouble());
        Assert.Equal("adam", j.GetProperty("optimizer").GetString()); // default of an unset field
        await File.WriteAllTextAsync(file, "{not json");
        var bad = await Run("spec", "set", "from-file", "--file", file);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("is not a valid spec", bad.Error);
    }

    [Fact]
    public async Task Teacher_load_then_status()
    {
        var file = Path.Combine(Path.GetTempPath(), $"teacher-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, new byte[1234]);
        var loaded = Ok(await Run("teacher", "load", file, "--group", "tload", "--json")).Json();
        Assert.Equal("tload", loaded.GetProperty("group").GetString());
        Assert.True(loaded.GetProperty("fromCheckpoint").GetBoolean());
        int version = loaded.GetProperty("version").GetInt32();
        Ok(await Run("teacher", "load", file, "--group", "tload"));
        var status = Ok(await Run("teacher", "status", "--group", "tload", "--json")).Json().EnumerateArray().Single();
        Assert.Equal(version + 1, status.GetProperty("version").GetInt32());
        Assert.Equal("cpu", status.GetProperty("siloMetadata").GetProperty("accelerator").GetString());
        var table = Ok(await Run("teacher", "status", "--group", "tload"));
        Assert.Contains("tload", table.Out);
        Assert.Contains("accelerator=cpu", table.Out);
    }
}

/// <summary>The replay command's progress bar, on a real replay into the embedded broker.</summary>
[Collection(LiveCollection.Name)]
public sealed class ReplayProgressTests(LiveFixture live)
{
    [Fact]
    public async Task Replay_draws_a_progress_bar_on_stderr_and_keeps_stdout_for_the_result()
    {
        var r = await live.Cluster.ReplayAsync("progress-check", 2500, rate: 0, progress: true);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("replay [", r.Error);
        Assert.Contains("2,500/2,500 100%", r.Error);
        Assert.Equal(2500, r.Json().GetProperty("produced").GetInt64()); // stdout is only the JSON
    }
}
