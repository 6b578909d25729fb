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

    /// <summary>The schema script's text.</summary>
    public static string Script()
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the silo build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The (option name, connection string) pairs that need the schema: AdoNet providers on Npgsql with ApplySchema on.</summary>
    public static IReadOnlyList<(string Option, string ConnectionString)> Targets(ClusterSettings settings, bool includeOptedOut = false)
    {
        var targets = new List<(string, string)>();
        void Add(ProviderSettings p, string section)
        {
            if (!p.Provider.Equals("AdoNet", StringComparison.OrdinalIgnoreCase)) return;
            if (!p.Invariant.Equals(Invariant, StringComparison.OrdinalIgnoreCase)) return;
            if (!p.ApplySchema && !includeOptedOut) return;
            var option = $"Cluster:{section}:ConnectionString";
            var connection = ClusteringSetup.Require(p.ConnectionString, option);
            if (!targets.Any(t => t.Item2 == connection)) targets.Add((option, connection));
        }
        Add(settings.Membership, "Membership");
        Add(settings.Storage, "Storage");
        return targets;
    }

    /// <summary>Applies the schema to every target; a failure names the option whose database could not be set up.</summary>
    public static async Task ApplyAsync(IReadOnlyList<(string Option, string ConnectionString)> targets, CancellationToken cancellationToken)
    {
        if (targets.Count == 0) return;
        string script = Script();
        foreach (var (option, connectionString) in targets)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand(script, connection, transaction))
                    await command.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
            {
                // ArgumentException: a malformed connection string. The message never repeats the string (it may hold a
                // password). No inner exception: the silo prints the innermost message, and this one names the option.
                throw new InvalidOperationException($"{option}: cannot set up the PostgreSQL schema for Orleans: {e.GetType().Name}: {e.Message}");
            }
        }
    }
}
