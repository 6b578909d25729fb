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
        Assert.InRange(j.GetProperty("eventsPerSecond").GetDouble(), 100, 1500 * 1.1); // paced by --rate 1500
    }

    [Fact]
    public async Task Status_json_lists_the_gpu_silo_with_its_metadata_partition_lag_and_dead_letters()
    {
        var j = Ok(await Run("status", "--json")).Json();
        var silo = Assert.Single(j.GetProperty("silos").EnumerateArray());
        Assert.Equal(LiveCluster.SiloName, silo.GetProperty("name").GetString());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
        Assert.StartsWith("127.0.0.1:", silo.GetProperty("address").GetString());
        // Orleans__Metadata__* given to the silo process, read silo-side by ClusterInfoGrain.
        Assert.Equal("gpu", silo.GetProperty("metadata").GetProperty("accelerator").GetString());
        Assert.Equal("test", silo.GetProperty("metadata").GetProperty("zone").GetString());
        Assert.True(j.GetProperty("models").GetInt32() >= 1);
        Assert.True(j.GetProperty("eventsSeen").GetInt64() >= LiveFixture.Events);
        Assert.Equal(JsonValueKind.Null, j.GetProperty("clusterInfoError").ValueKind);
        var partitions = j.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(LiveCluster.Partitions, partitions.Count);
        Assert.All(partitions, p => Assert.Equal("events", p.GetProperty("topic").GetString()));
        foreach (var p in partitions)
            Assert.Equal(Math.Max(0, p.GetProperty("highWatermark").GetInt64() - p.GetProperty("committedOffset").GetInt64()), p.GetProperty("lag").GetInt64());
        Assert.Equal(partitions.Sum(p => p.GetProperty("lag").GetInt64()), j.GetProperty("consumerLag").GetInt64());
        // Together the partitions hold every replayed event and the bad records; the bad ones are dead letters.
        Assert.True(partitions.Sum(p => p.GetProperty("highWatermark").GetInt64()) >= LiveFixture.Events + LiveFixture.BadRecords);
        Assert.Equal(LiveFixture.BadRecords, j.GetProperty("deadLetters").GetInt64());
        // Only the dead-letter topic's total is known, not which partition a dead letter came from.
        Assert.All(partitions, p => Assert.Equal(0, p.GetProperty("deadLetters").GetInt64()));

        // Once the silo had applied and committed the fixture's replay, no partition lagged.
        var settled = live.SettledStatus.GetProperty("partitions").EnumerateArray().ToList();
        Assert.All(settled, p => Assert.Equal(p.GetProperty("highWatermark").GetInt64(), p.GetProperty("committedOffset").GetInt64()));
        Assert.True(settled.Sum(p => p.GetProperty("committedOffset").GetInt64()) >= LiveFixture.Events + LiveFixture.BadRecords);
    }

    [Fact]
    public async Task Status_table_shows_silo_metadata_lag_and_dead_letters()
    {
        var r = Ok(await Run("status"));
        Assert.Contains(LiveCluster.SiloName, r.Out);
        Assert.Contains("accelerator=gpu,zone=test", r.Out);
        Assert.Contains("models: ", r.Out);
        Assert.Contains("consumer lag: ", r.Out);
        Assert.Contains($"dead letters: {LiveFixture.BadRecords}", r.Out);
        Assert.DoesNotContain("note:", r.Error);
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
        Assert.InRange(row.GetProperty("accuracy").GetDouble(), 0.0, 1.0);
        Assert.InRange(row.GetProperty("windowAccuracy").GetDouble(), 0.0, 1.0);
        Assert.True(row.GetProperty("driftEvents").GetInt32() >= 1, row.ToString()); // the swap at half was detected
        Assert.Equal(JsonValueKind.String, row.GetProperty("silo").ValueKind);
        Assert.True(row.GetProperty("modelVersion").GetInt32() >= 1);
    }

    [Fact]
    public async Task Models_pages_in_key_order_with_after_and_limit()
    {
        static List<string> Keys(CliRunner.Result r) => r.Json().EnumerateArray().Select(row => row.GetProperty("key").GetString()!).ToList();
        var all = Keys(Ok(await Run("models", "--json")));
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        var paged = new List<string>();
        for (string? after = null; paged.Count <= all.Count;)
        {
            var page = Keys(Ok(await Run(after is null ? ["models", "--limit", "1", "--json"] : ["models", "--after", after, "--limit", "1", "--json"])));
            Assert.True(page.Count <= 1, $"--limit 1 gave {page.Count} rows");
            if (page.Count == 0) break;
            paged.Add(after = page[0]);
        }
        Assert.Equal(all, paged);
        Assert.Contains("--limit must be between 1", Assert.IsType<CliRunner.Result>(await Run("models", "--limit", "0")).Error);
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
        // The student adds a point at most once per learning step (Student:MaxBatchSize, 256 events by default).
        Assert.True(series.Count >= LiveFixture.Events / 256 - 1, $"only {series.Count} points");
        Assert.True(series.Zip(series.Skip(1)).All(p => p.Second.GetProperty("events").GetInt64() > p.First.GetProperty("events").GetInt64()));
        foreach (var p in series) Assert.InRange(p.GetProperty("windowAccuracy").GetDouble(), 0, 1);
        // The replay swapped the classes at half the stream: the student's ADWIN detector sees it after that point.
        var drifts = j.GetProperty("drifts").EnumerateArray().ToList();
        Assert.True(drifts.Count > 0, "no drift detected; series: " + string.Join(" ", series.Select(p => $"{p.GetProperty("events").GetInt64()}:{p.GetProperty("windowAccuracy").GetDouble():F2}")));
        Assert.True(drifts.Any(d => d.GetProperty("events").GetInt64() > LiveFixture.Events / 2), "drifts at " + string.Join(",", drifts.Select(d => d.GetProperty("events").GetInt64())));
        Assert.All(drifts, d => Assert.Equal("adwin", d.GetProperty("detector").GetString()));
        // The markers mean something: before the swap the student beat chance, right after it the window accuracy fell.
        double before = series.Where(p => p.GetProperty("events").GetInt64() <= LiveFixture.Events / 2).Max(p => p.GetProperty("windowAccuracy").GetDouble());
        double after = series.Where(p => p.GetProperty("events").GetInt64() > LiveFixture.Events / 2).Min(p => p.GetProperty("windowAccuracy").GetDouble());
        Assert.True(before > 0.6 && after < before - 0.2, $"window accuracy {before:F2} before the swap, {after:F2} after");
        Assert.Equal(drifts.Count, j.GetProperty("model").GetProperty("driftEvents").GetInt32());
        // Distillation from the default teacher group started during the stream: agreement figures and a teacher version.
        Assert.Contains(series, p => p.GetProperty("teacherAgreement") is { ValueKind: System.Text.Json.JsonValueKind.Number } a && a.GetDouble() > 0.5);
        Assert.True(j.GetProperty("model").GetProperty("teacherVersion").GetInt32() >= 1);
        Assert.Equal(8, j.GetProperty("spec").GetProperty("featureCount").GetInt32());
        // One key lives in one partition; the student applied the replay up to its last event (offsets count from 0).
        var offset = Assert.Single(j.GetProperty("lastOffsets").EnumerateObject());
        Assert.Matches(@"^events:[01]$", offset.Name);
        Assert.Equal(LiveFixture.Events - 1, offset.Value.GetInt64());
    }

    [Fact]
    public async Task Model_table_prints_facts_series_and_drifts()
    {
        var r = Ok(await Run("model", LiveFixture.Key, "--points", "3"));
        Assert.Contains("window accuracy", r.Out);
        Assert.Contains("WINDOW_ACC", r.Out);
        Assert.Contains("adwin", r.Out);
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
    public async Task Teacher_load_of_a_real_checkpoint_then_status()
    {
        var checkpoint = await TeacherCheckpoint.WriteAsync(rows: 1000);
        try
        {
            var loaded = Ok(await Run("teacher", "load", checkpoint.Path, "--group", "tload", "--json")).Json();
            Assert.Equal("tload", loaded.GetProperty("group").GetString());
            Assert.True(loaded.GetProperty("fromCheckpoint").GetBoolean());
            Assert.Equal(checkpoint.Version, loaded.GetProperty("version").GetInt64());
            Assert.Contains($"into teacher 'tload': now version {checkpoint.Version}", Ok(await Run("teacher", "load", checkpoint.Path, "--group", "tload")).Out);

            var status = Ok(await Run("teacher", "status", "--group", "tload", "--json")).Json().EnumerateArray().Single();
            Assert.True(status.GetProperty("fromCheckpoint").GetBoolean());
            Assert.Equal("replay", status.GetProperty("kind").GetString()); // a checkpoint made before the ensemble still loads
            Assert.Equal(checkpoint.Version, status.GetProperty("version").GetInt64());
            Assert.Equal(checkpoint.SamplesLearned, status.GetProperty("samplesLearned").GetInt64());
            Assert.Equal("cpu", status.GetProperty("device").GetString()); // no CUDA here: TorchSharp's CPU fallback
            // The teacher is placed on the GPU-tagged silo.
            Assert.Equal("gpu", status.GetProperty("siloMetadata").GetProperty("accelerator").GetString());
            var table = Ok(await Run("teacher", "status", "--group", "tload"));
            Assert.Contains("tload", table.Out);
            Assert.Contains("accelerator=gpu", table.Out);
            Assert.Matches(@"tload\s+replay\s+" + checkpoint.Version + @"\s", table.Out);
        }
        finally { File.Delete(checkpoint.Path); }
    }

    [Fact]
    public async Task Teacher_status_lists_the_group_the_students_distill_from()
    {
        var teachers = Ok(await Run("teacher", "status", "--json")).Json().EnumerateArray().ToList();
        var teacher = teachers.Single(t => t.GetProperty("group").GetString() == "default");
        Assert.True(teacher.GetProperty("samplesLearned").GetInt64() > 0, teacher.ToString()); // students forwarded samples
        Assert.Equal("gpu", teacher.GetProperty("siloMetadata").GetProperty("accelerator").GetString());
    }

    [Fact]
    public async Task A_file_that_is_not_a_checkpoint_is_refused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"not-a-checkpoint-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        try
        {
            var load = await Run("teacher", "load", file, "--group", "refused");
            Assert.True(load.ExitCode == 1, load.ToString());
            Assert.Contains("teacher load failed", load.Error);
            Assert.Contains("not a ReplayTeacher snapshot", load.Error);
        }
        finally { File.Delete(file); }
    }
}

/// <summary>The replay command's progress bar, on a real replay into the embedded broker.</summary>
[Collection(LiveCollection.Name)]
public sealed class ReplayProgressTests(LiveFixture live)
{
    [Fact]
    public async Task Replay_draws_a_progress_bar_on_stderr_and_keeps_stdout_for_the_result()
    {
        await live.Cluster.SetElec2SpecAsync("progress-check");
        var r = await live.Cluster.ReplayAsync("progress-check", 2500, rate: 0, progress: true);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("replay [", r.Error);
        Assert.Contains("2,500/2,500 100%", r.Error);
        Assert.Equal(2500, r.Json().GetProperty("produced").GetInt64()); // stdout is only the JSON
    }
}
