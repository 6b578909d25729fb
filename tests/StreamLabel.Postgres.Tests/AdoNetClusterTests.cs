using System.Text.Json;
using Npgsql;
using StreamLabel.Client.Commands;
using StreamLabel.Testing;
using Xunit.Abstractions;

namespace StreamLabel.Postgres.Tests;

/// <summary>
/// The silo executable with Cluster:Membership and Cluster:Storage on AdoNet (PostgreSQL): the demo job's student state
/// lands in PostgreSQL, a restarted silo and a second one form one cluster through the membership table, and the
/// `streamlabel` CLI finds them there (--membership adonet) and reads the restored counters.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AdoNetClusterTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_silos_cluster_through_PostgreSQL_and_a_students_learning_survives_a_restart()
    {
        var connection = await postgres.CreateDatabaseAsync("cluster");
        var settings = new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = "pg-test",
            ["Cluster__ServiceId"] = "pg-test",
            ["Cluster__Membership__Provider"] = "AdoNet",
            ["Cluster__Membership__ConnectionString"] = connection,
            ["Cluster__Storage__Provider"] = "AdoNet",
            ["Cluster__Storage__ConnectionString"] = connection,
        };

        // 1. The demo job on a fresh database: the silo applies the schema, the student learns 2,000 events, and the
        //    job deactivates the grains before exiting, so their state is written to PostgreSQL.
        var (code, first) = await SiloProcess.RunAsync(settings, Patience, "--events", "2000");
        output.WriteLine(first);
        Assert.True(code == 0, first);
        Assert.Contains("done: 2,000 events learned", first);
        Assert.Equal(1, await CountAsync(connection, "SELECT count(*) FROM streamlabel_grain_state WHERE service_id = 'pg-test' AND grain_type = 'student' AND grain_key = 'elec2' AND payload IS NOT NULL"));

        // 2. A restart without replay, and a second silo on the first one's broker: one cluster through the membership table.
        using var a = SiloProcess.Start(new Dictionary<string, string>(settings) { ["Replay__Enabled"] = "false" });
        string broker = await a.WaitForOutputAsync(@"embedded Kafka-protocol broker at (\S+)", Patience);
        using var b = SiloProcess.Start(new Dictionary<string, string>(settings) { ["Replay__Enabled"] = "false", ["Kafka__BootstrapServers"] = broker });
        await Task.WhenAll(a.WaitUntilReadyAsync(Patience), b.WaitUntilReadyAsync(Patience));

        // 3. The CLI finds the gateways in PostgreSQL (no --gateway) and sees both silos Active.
        string[] viaPostgres = ["--membership", "adonet", "--connection", connection, "--cluster-id", "pg-test", "--service-id", "pg-test", "--json"];
        JsonElement status = default;
        await Eventually.HoldsAsync(async () =>
        {
            status = await CliJsonAsync(["status", .. viaPostgres]);
            return status.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active") == 2;
        }, Patience, () => Task.FromResult(status.ToString()));
        var ports = status.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("address").GetString()).ToList();
        output.WriteLine(string.Join(", ", ports));

        // 4. The student's counters came back from PostgreSQL: no event was replayed in this run.
        var model = await CliJsonAsync(["model", "elec2", .. viaPostgres]);
        Assert.Equal(2000, model.GetProperty("model").GetProperty("eventsSeen").GetInt64());
        Assert.Equal(2000, status.GetProperty("eventsSeen").GetInt64());

        // 5. Both leave cleanly; the membership table then marks both Dead (status 6), the first run's silo too.
        Assert.Equal(0, await b.StopAsync(Patience));
        Assert.Equal(0, await a.StopAsync(Patience));
        Assert.Equal(3, await CountAsync(connection, "SELECT count(*) FROM streamlabel_membership WHERE deployment_id = 'pg-test' AND status = 6"));
    }

    private static async Task<JsonElement> CliJsonAsync(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(args, stdout, stderr);
        Assert.True(code == 0, $"streamlabel {string.Join(' ', args.Take(2))} exited {code}: {stderr}");
        return JsonDocument.Parse(stdout.ToString()).RootElement.Clone();
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
