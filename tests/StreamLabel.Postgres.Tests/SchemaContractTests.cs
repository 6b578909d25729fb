using Npgsql;
using StreamLabel.Testing;

namespace StreamLabel.Postgres.Tests;

/// <summary>
/// deploy/postgres/streamlabel-orleans.sql against the contract of Orleans' ADO.NET providers: the queries they load by
/// key, run the way they run them (named parameters, NULL for a missing ETag), with the answers they expect.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SchemaContractTests(PostgresServer postgres)
{
    private static readonly string[] ProviderQueryKeys =
    [
        // Orleans.Clustering.AdoNet 10.4.2
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey", "UpdateIAmAlivetimeKey",
        "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        // Orleans.Persistence.AdoNet 10.4.2
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey",
    ];

    [Fact]
    public async Task The_schema_command_applies_twice_and_loads_every_query_the_providers_read()
    {
        var connection = await postgres.CreateDatabaseAsync("schema_twice");
        var settings = new Dictionary<string, string>
        {
            ["Cluster__Storage__Provider"] = "AdoNet",
            ["Cluster__Storage__ConnectionString"] = connection,
        };
        for (int i = 0; i < 2; i++) // idempotent: every silo applies it at start-up
        {
            var (code, output) = await SiloProcess.RunAsync(settings, TimeSpan.FromSeconds(60), "postgres-schema");
            Assert.True(code == 0, output);
            Assert.Contains("schema applied to the database of Cluster:Storage:ConnectionString", output);
        }
        var keys = await QueryTextsAsync(connection);
        Assert.Equal(ProviderQueryKeys.Order(), keys.Keys.Order());
    }

    [Fact]
    public async Task Grain_state_writes_clears_and_reads_follow_the_version_etag()
    {
        var db = await SchemaAsync("storage_contract");
        int? Write(int? etag, byte[] payload) => db.Scalar<int?>("WriteToStorageKey", GrainKey(etag, payload));

        Assert.Null(db.Read()); // no row yet
        Assert.Equal(1, Write(null, [1]));
        Assert.Null(Write(null, [2]));        // a second first-write (another activation) conflicts
        Assert.Equal(2, Write(1, [3]));
        Assert.Null(Write(1, [4]));           // stale ETag conflicts
        AssertStored(db, [3], 2);

        Assert.Null(db.Scalar<int?>("ClearStorageKey", GrainKey(1, null)));  // stale clear conflicts
        Assert.Equal(3, db.Scalar<int?>("ClearStorageKey", GrainKey(2, null)));
        AssertStored(db, null, 3); // cleared: no payload, the version stays for the next write
        Assert.Equal(4, Write(3, [5]));

        // Another grain id (its string key) and another service do not see this row.
        Assert.Equal(1, db.Scalar<int?>("WriteToStorageKey", GrainKey(null, [6], key: "other")));
        Assert.Equal(1, db.Scalar<int?>("WriteToStorageKey", GrainKey(null, [7], service: "other-service")));
        AssertStored(db, [5], 4);
    }

    [Fact]
    public async Task Of_concurrent_writers_with_the_same_etag_exactly_one_wins()
    {
        var db = await SchemaAsync("storage_race");
        // Eight activations racing on their first write (no ETag), then eight on the same ETag: row locks and the unique
        // key decide, so one write lands and the others are told they conflict.
        var first = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => db.Scalar<int?>("WriteToStorageKey", GrainKey(null, [(byte)i])))));
        Assert.Equal(1, Assert.Single(first, v => v is not null));
        var second = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => db.Scalar<int?>("WriteToStorageKey", GrainKey(1, [(byte)(100 + i)])))));
        Assert.Equal(2, Assert.Single(second, v => v is not null));
        Assert.Equal(2, db.Read()!.Value.Version);
    }

    [Fact]
    public async Task Membership_changes_succeed_only_at_the_current_table_version()
    {
        var db = await SchemaAsync("membership_contract");
        const string cluster = "c1";
        Assert.True(db.Scalar<bool>("InsertMembershipVersionKey", new() { ["DeploymentId"] = cluster }));
        Assert.False(db.Scalar<bool>("InsertMembershipVersionKey", new() { ["DeploymentId"] = cluster }));

        var now = DateTime.UtcNow;
        Dictionary<string, object?> Silo(int port, int version) => new()
        {
            ["DeploymentId"] = cluster, ["Address"] = "10.0.0.1", ["Port"] = port, ["Generation"] = 7, ["SiloName"] = $"silo-{port}",
            ["HostName"] = "host", ["Status"] = 2, ["ProxyPort"] = port + 1, ["StartTime"] = now, ["IAmAliveTime"] = now, ["Version"] = version,
        };
        Assert.True(db.Scalar<bool>("InsertMembershipKey", Silo(100, 0)));
        Assert.False(db.Scalar<bool>("InsertMembershipKey", Silo(200, 0))); // table version moved on to 1
        Assert.False(db.Scalar<bool>("InsertMembershipKey", Silo(100, 1))); // already a member
        Assert.True(db.Scalar<bool>("InsertMembershipKey", Silo(200, 1)));

        Dictionary<string, object?> Update(int port, int status, int version) => new()
        {
            ["DeploymentId"] = cluster, ["Address"] = "10.0.0.1", ["Port"] = port, ["Generation"] = 7, ["Status"] = status,
            ["SuspectTimes"] = null, ["IAmAliveTime"] = now, ["Version"] = version,
        };
        Assert.True(db.Scalar<bool>("UpdateMembershipKey", Update(100, 3, 2)));  // Active
        Assert.False(db.Scalar<bool>("UpdateMembershipKey", Update(200, 3, 2))); // stale
        Assert.False(db.Scalar<bool>("UpdateMembershipKey", Update(300, 3, 3))); // not a member: no version bump either
        Assert.True(db.Scalar<bool>("UpdateMembershipKey", Update(200, 6, 3)));  // Dead

        var all = db.Rows("MembershipReadAllKey", new() { ["DeploymentId"] = cluster });
        Assert.Equal(2, all.Count);
        Assert.All(all, r => Assert.Equal(4, r["Version"]));
        Assert.Equal([3, 6], all.OrderBy(r => r["Port"]).Select(r => (int)r["Status"]!));

        var missing = db.Rows("MembershipReadRowKey", new() { ["DeploymentId"] = cluster, ["Address"] = "10.0.0.1", ["Port"] = 999, ["Generation"] = 7 });
        Assert.Equal(4, Assert.Single(missing)["Version"]); // the version row comes back even with no such silo
        Assert.Null(missing[0]["StartTime"]);

        var gateways = db.Rows("GatewaysQueryKey", new() { ["DeploymentId"] = cluster, ["Status"] = 3 });
        Assert.Equal(101, Assert.Single(gateways)["ProxyPort"]);

        // Dead silos whose heartbeat is older than the cut-off go; the active one stays.
        db.Execute("CleanupDefunctSiloEntriesKey", new() { ["DeploymentId"] = cluster, ["IAmAliveTime"] = now.AddSeconds(1) });
        Assert.Equal(100, Assert.Single(db.Rows("MembershipReadAllKey", new() { ["DeploymentId"] = cluster }))["Port"]);

        db.Execute("DeleteMembershipTableEntriesKey", new() { ["DeploymentId"] = cluster });
        Assert.Empty(db.Rows("MembershipReadAllKey", new() { ["DeploymentId"] = cluster }));
    }

    private static void AssertStored(Queries db, byte[]? payload, int version)
    {
        var stored = db.Read() ?? throw new Xunit.Sdk.XunitException("no state row");
        Assert.Equal(payload, stored.Payload);
        Assert.Equal(version, stored.Version);
    }

    private static Dictionary<string, object?> GrainKey(int? etag, byte[]? payload, string key = "student-1", string service = "svc") => new()
    {
        ["GrainIdHash"] = 12345, ["GrainIdN0"] = 0L, ["GrainIdN1"] = 0L, ["GrainTypeHash"] = 678, ["GrainTypeString"] = "student",
        ["GrainIdExtensionString"] = key, ["ServiceId"] = service, ["GrainStateVersion"] = etag, ["PayloadBinary"] = payload,
    };

    private async Task<Queries> SchemaAsync(string database)
    {
        var connection = await postgres.CreateDatabaseAsync(database);
        var settings = new Dictionary<string, string> { ["Cluster__Membership__Provider"] = "AdoNet", ["Cluster__Membership__ConnectionString"] = connection };
        var (code, output) = await SiloProcess.RunAsync(settings, TimeSpan.FromSeconds(60), "postgres-schema");
        Assert.True(code == 0, output);
        return new Queries(connection, await QueryTextsAsync(connection));
    }

    private static async Task<Dictionary<string, string>> QueryTextsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The providers' own query (unquoted names, as Orleans sends it).
        await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var queries = new Dictionary<string, string>();
        while (await reader.ReadAsync()) queries[reader.GetString(reader.GetOrdinal("QueryKey"))] = reader.GetString(reader.GetOrdinal("QueryText"));
        return queries;
    }

    /// <summary>Runs the stored queries as Orleans' RelationalStorage does: the text as is, named parameters, nulls as DBNull.</summary>
    private sealed class Queries(string connectionString, Dictionary<string, string> texts)
    {
        public T Scalar<T>(string key, Dictionary<string, object?> parameters)
        {
            var rows = Rows(key, parameters);
            var value = Assert.Single(rows).Values.Single();
            return value is null ? default! : (T)value;
        }

        public (byte[]? Payload, int Version)? Read()
        {
            var rows = Rows("ReadFromStorageKey", GrainKey(null, null));
            if (rows.Count == 0) return null;
            var row = Assert.Single(rows);
            return ((byte[]?)row["PayloadBinary"], (int)row["Version"]!);
        }

        public void Execute(string key, Dictionary<string, object?> parameters) => Rows(key, parameters);

        public List<Dictionary<string, object?>> Rows(string key, Dictionary<string, object?> parameters)
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand(texts[key], connection);
            foreach (var (name, value) in parameters) command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
            using var reader = command.ExecuteReader();
            var rows = new List<Dictionary<string, object?>>();
            while (reader.Read())
                rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
            return rows;
        }
    }
}
