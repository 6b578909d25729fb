using Orleans.Runtime;
using StreamLabel.Client.Cli;
using StreamLabel.Grains;

namespace StreamLabel.Client.Queries;

/// <summary>What the CLI and the dashboard ask the cluster, as views. One place, so both show the same numbers.</summary>
public sealed class ClusterQueries(IClusterClient client)
{
    public async Task<StatusView> StatusAsync()
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        ClusterInfo? info = null;
        string? infoError = null;
        try
        {
            info = await client.GetGrain<IClusterInfoGrain>(0).GetClusterInfoAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Older silos without IClusterInfoGrain: still show membership, and say why metadata/lag are missing.
            infoError = $"cluster info unavailable: {e.GetType().Name}: {FirstLine(e.Message)}";
        }
        // Joined by address (SiloAddress.ToParsableString(), or ToString()), else by silo name.
        IReadOnlyDictionary<string, string> MetadataOf(MembershipEntry h) =>
            info?.Silos.FirstOrDefault(s => s.Address == h.SiloAddress.ToParsableString() || s.Address == h.SiloAddress.ToString())?.Metadata
            ?? info?.Silos.FirstOrDefault(s => s.Name == h.SiloName)?.Metadata
            ?? new Dictionary<string, string>();
        var silos = hosts.Select(h => new SiloView(
                h.SiloAddress.ToParsableString(), h.SiloName, h.HostName, h.Status.ToString(), new DateTimeOffset(h.StartTime, TimeSpan.Zero), MetadataOf(h)))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        // Totals from the cluster's registry and silo tallies: asking every student activated every idle one. Silos
        // older than those totals are still asked the old way.
        var totals = info?.Students;
        if (totals is null)
        {
            var models = await ModelsAsync();
            totals = new StudentTotals(models.Count, models.Sum(m => m.EventsSeen), models.Sum(m => m.EventsPerSecond), models.Count);
        }
        var partitions = info?.Partitions.Select(p => new PartitionView(p.Topic, p.Partition, p.CommittedOffset, p.HighWatermark, p.Lag, p.DeadLetters, p.Silo)).ToList() ?? [];
        return new StatusView(silos, totals.Models, totals.EventsSeen, totals.EventsPerSecond,
            info is null ? null : partitions.Sum(p => p.Lag), info?.DeadLetters, partitions, infoError, DateTimeOffset.UtcNow,
            info?.Quarantined.Select(QuarantineView.From).ToList() ?? []);
    }

    /// <summary>The quarantined keys (every partition).</summary>
    public async Task<IReadOnlyList<QuarantineView>> QuarantinedAsync() =>
        (await client.GetGrain<IClusterInfoGrain>(0).GetClusterInfoAsync()).Quarantined.Select(QuarantineView.From).ToList();

    /// <summary>Releases a quarantined key; a key that is not quarantined is the caller's mistake (exit code 1).</summary>
    public async Task<ReleaseView> ReleaseAsync(string key)
    {
        if (!await client.GetGrain<IClusterInfoGrain>(0).ReleaseQuarantinedKeyAsync(key))
            throw new CommandFailedException($"key '{key}' is not quarantined (see `streamlabel quarantine list`)");
        return new ReleaseView(key, true);
    }

    /// <summary>Every model, or a page: at most <paramref name="limit"/> keys after <paramref name="after"/> (ordinal order);
    /// each row asks its student, so a page keeps only its students active.</summary>
    public async Task<IReadOnlyList<ModelRow>> ModelsAsync(string? after = null, int limit = int.MaxValue)
    {
        var keys = await ModelRegistry.ListModelsAsync(client, after, limit);
        var metrics = await Task.WhenAll(keys.Select(k => client.GetGrain<IStudentGrain>(k).GetMetricsAsync()));
        return metrics.Select(ModelRow.From).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
    }

    public async Task<ModelDetail> ModelAsync(string key)
    {
        await RequireKnownAsync(key);
        var student = client.GetGrain<IStudentGrain>(key);
        var metrics = await student.GetMetricsAsync();
        var spec = await student.GetSpecAsync();
        return new ModelDetail(ModelRow.From(metrics),
            metrics.Series.Select(p => new SeriesPoint(p.Events, p.At, p.WindowAccuracy, p.Loss, p.CorrectionRate, p.TeacherAgreement, p.ArmRewards)).ToList(),
            metrics.DriftEvents.Select(d => new DriftView(d.Events, d.At, d.Detector)).ToList(),
            metrics.LastOffsets, spec,
            metrics.Tuning is { } t ? new TuningView(t.ServedArm, t.Switches, t.Events, t.Arms.Select(a => new ArmView(a.Name, a.Reward, a.Score, a.Live, a.Steps)).ToList()) : null);
    }

    public async Task<PredictionView> PredictAsync(string key, float[] features)
    {
        await RequireKnownAsync(key);
        var student = client.GetGrain<IStudentGrain>(key);
        var spec = await student.GetSpecAsync() ?? throw new CommandFailedException($"model '{key}' has no spec yet: set one with `streamlabel spec set {key} ...`");
        if (features.Length != spec.FeatureCount)
            throw new UsageException($"predict: --features has {features.Length} values, model '{key}' expects {spec.FeatureCount}");
        var p = await student.PredictAsync(features);
        return new PredictionView(p.Key, p.PredictedClass, spec.Classes, p.Probabilities, p.ModelVersion, p.TeacherVersion);
    }

    public async Task<SpecView> SpecAsync(string key) => new(key, await client.GetGrain<IStudentGrain>(key).GetSpecAsync());

    public async Task<SpecView> SetSpecAsync(string key, Func<ModelSpec?, ModelSpec> change)
    {
        var student = client.GetGrain<IStudentGrain>(key);
        var updated = change(await student.GetSpecAsync());
        return new SpecView(key, await student.SetSpecAsync(updated));
    }

    public async Task<IReadOnlyList<TeacherStatus>> TeachersAsync(string? group)
    {
        var groups = group is not null ? [group] : await ModelRegistry.ListTeacherGroupsAsync(client);
        return await Task.WhenAll(groups.Select(g => client.GetGrain<ITeacherGrain>(g).GetStatusAsync()));
    }

    public Task<TeacherStatus> LoadTeacherAsync(string group, byte[] checkpoint) =>
        client.GetGrain<ITeacherGrain>(group).LoadCheckpointAsync(checkpoint);

    private async Task RequireKnownAsync(string key)
    {
        if (await ModelRegistry.ContainsAsync(client, key)) return;
        var keys = await ModelRegistry.ListModelsAsync(client, limit: 21);
        throw new CommandFailedException(keys.Count == 0 ? $"no model '{key}': the cluster has no models yet"
            : $"no model '{key}' (known: {string.Join(", ", keys.Take(20))}{(keys.Count > 20 ? ", ..." : "")})");
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
