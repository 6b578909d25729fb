using Npgsql;
using StreamLabel.Silo.Configuration;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// Applies deploy/postgres/streamlabel-orleans.sql (embedded in this assembly) to the PostgreSQL databases that AdoNet
/// membership and storage use, before Orleans reads its queries from them. The script is idempotent and serialized by
/// an advisory lock, so every silo may apply it at start-up.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The ADO.NET invariant the schema is written for; other databases need their own scripts.</summary>
    public const string Invariant = "Npgsql";
    private const string ResourceName = "StreamLabel.Silo.streamlabel-orleans.sql";

    /// <summary>The query keys Orleans 10.4.2's ADO.NET clustering and grain storage load at start-up.</summary>
    public static readonly string[] QueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey", "UpdateIAmAlivetimeKey",
        "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey",
    ];

    /// <summary>The schema script's text.</summary>
    public static string Script()
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the silo build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A database an AdoNet provider on Npgsql uses; <see cref="Apply"/> false: only check that the schema is there.</summary>
    public sealed record Target(string Section, string ConnectionString, bool Apply)
    {
        public string Option => $"Cluster:{Section}:ConnectionString";
    }

    /// <summary>The databases of the AdoNet providers on Npgsql (once each); <paramref name="applyAll"/> ignores ApplySchema=false.</summary>
    public static IReadOnlyList<Target> Targets(ClusterSettings settings, bool applyAll = false)
    {
        var targets = new List<Target>();
        void Add(ProviderSettings p, string section)
        {
            if (!p.Provider.Equals("AdoNet", StringComparison.OrdinalIgnoreCase)) return;
            if (!p.Invariant.Equals(Invariant, StringComparison.OrdinalIgnoreCase)) return;
            var connection = ClusteringSetup.Require(p.ConnectionString, $"Cluster:{section}:ConnectionString");
            bool apply = p.ApplySchema || applyAll;
            int same = targets.FindIndex(t => t.ConnectionString == connection);
            if (same < 0) targets.Add(new Target(section, connection, apply));
            else if (apply && !targets[same].Apply) targets[same] = targets[same] with { Apply = true };
        }
        Add(settings.Membership, "Membership");
        Add(settings.Storage, "Storage");
        return targets;
    }

    /// <summary>
    /// Applies the schema to every target that asks for it and checks the others have Orleans' queries; a failure names
    /// the option whose database could not be set up.
    /// </summary>
    public static async Task ApplyAsync(IReadOnlyList<Target> targets, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            string option = target.Option;
            try
            {
                await using var connection = new NpgsqlConnection(target.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                if (target.Apply)
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await using (var command = new NpgsqlCommand(Script(), connection, transaction))
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
                else
                {
                    var missing = await MissingQueryKeysAsync(connection, cancellationToken);
                    if (missing.Count > 0)
                    {
                        string what = missing.Count == QueryKeys.Length ? "has no Orleans queries (table OrleansQuery)" : $"lacks Orleans' queries {string.Join(", ", missing)}";
                        throw new InvalidOperationException($"Cluster:{target.Section}:ApplySchema is false, but the database of {option} {what}: " +
                            "apply deploy/postgres/streamlabel-orleans.sql (or run `streamlabel-silo postgres-schema`) first");
                    }
                }
            }
            catch (Exception e) when (e is NpgsqlException or ArgumentException)
            {
                // ArgumentException: a malformed connection string. The message never repeats the string (it may hold a
                // password). No inner exception: the silo prints the innermost message, and this one names the option.
                throw new InvalidOperationException($"{option}: cannot set up the PostgreSQL schema for Orleans: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private static async Task<List<string>> MissingQueryKeysAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('orleansquery') IS NOT NULL", connection);
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!) return [.. QueryKeys];
        command.CommandText = "SELECT QueryKey FROM OrleansQuery";
        var present = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) present.Add(reader.GetString(0));
        return QueryKeys.Where(k => !present.Contains(k)).ToList();
    }
}
