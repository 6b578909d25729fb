using StreamLabel.Silo.Configuration;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// `streamlabel-silo postgres-schema [--print] [--Cluster:...=...]`: applies the PostgreSQL schema to the databases the
/// configured AdoNet providers use (appsettings.json, Cluster__* environment, --Section:Key=value), for deployments
/// whose silos run with Cluster:*:ApplySchema=false; with --print, writes the SQL to stdout instead (for psql).
/// </summary>
internal static class PostgresSchemaCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--print"))
        {
            Console.Write(PostgresSchema.Script());
            return 0;
        }
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var settings = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        try
        {
            var targets = PostgresSchema.Targets(settings, applyAll: true);
            if (targets.Count == 0)
            {
                Console.Error.WriteLine("streamlabel-silo postgres-schema: neither Cluster:Membership nor Cluster:Storage uses Provider AdoNet with Invariant Npgsql: nothing to apply");
                return 2;
            }
            await PostgresSchema.ApplyAsync(targets, CancellationToken.None);
            foreach (var target in targets) Console.WriteLine($"schema applied to the database of {target.Option}");
            return 0;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"streamlabel-silo postgres-schema: failed: {e.Message}");
            return 1;
        }
    }
}
