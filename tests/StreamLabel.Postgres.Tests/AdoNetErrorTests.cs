using StreamLabel.Client.Commands;
using StreamLabel.Testing;

namespace StreamLabel.Postgres.Tests;

/// <summary>A wrong or missing PostgreSQL connection string stops the silo and the CLI with a message naming the option.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AdoNetErrorTests(PostgresServer postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_silo_with_a_wrong_password_exits_1_naming_the_option_without_printing_the_password()
    {
        var connection = await postgres.CreateDatabaseAsync("wrong_password");
        const string wrong = "not-the-password-4711";
        var (code, text) = await SiloProcess.RunAsync(new Dictionary<string, string>
        {
            ["Cluster__Membership__Provider"] = "AdoNet",
            ["Cluster__Membership__ConnectionString"] = connection.Replace(postgres.Password, wrong),
        }, Patience, "--events", "100");
        Assert.Equal(1, code);
        Assert.Contains("streamlabel-silo: failed: Cluster:Membership:ConnectionString: cannot set up the PostgreSQL schema for Orleans", text);
        Assert.Contains("password authentication failed", text);
        Assert.DoesNotContain(wrong, text);
        Assert.DoesNotContain("Unhandled exception", text);
    }

    [Fact]
    public async Task A_silo_with_AdoNet_storage_and_no_connection_string_exits_1_naming_the_option()
    {
        var (code, text) = await SiloProcess.RunAsync(new Dictionary<string, string> { ["Cluster__Storage__Provider"] = "AdoNet" }, Patience, "--events", "100");
        Assert.Equal(1, code);
        Assert.Contains("streamlabel-silo: failed: Cluster:Storage:ConnectionString is required for this provider", text);
        Assert.DoesNotContain("Unhandled exception", text);
    }

    [Fact]
    public async Task A_silo_told_not_to_apply_the_schema_refuses_an_empty_database_naming_the_option()
    {
        var connection = await postgres.CreateDatabaseAsync("no_schema");
        var (code, text) = await SiloProcess.RunAsync(new Dictionary<string, string>
        {
            ["Cluster__Storage__Provider"] = "AdoNet",
            ["Cluster__Storage__ConnectionString"] = connection,
            ["Cluster__Storage__ApplySchema"] = "false",
        }, Patience, "--events", "100");
        Assert.Equal(1, code);
        Assert.Contains("streamlabel-silo: failed: Cluster:Storage:ApplySchema is false, but the database of Cluster:Storage:ConnectionString has no Orleans queries", text);
    }

    [Fact]
    public async Task The_cli_with_a_wrong_password_fails_naming_the_connection_option()
    {
        var connection = await postgres.CreateDatabaseAsync("cli_wrong_password");
        var (code, _, error) = await CliAsync("status", "--membership", "adonet", "--connection", connection.Replace(postgres.Password, "wrong"), "--timeout", "10");
        Assert.Equal(1, code);
        Assert.Contains("cannot connect to the cluster (AdoNet membership at --connection / Cluster:Membership:ConnectionString", error);
        Assert.Contains("password authentication failed", error);
    }

    [Fact]
    public async Task The_cli_with_adonet_membership_and_no_connection_string_is_a_usage_error()
    {
        var (code, _, error) = await CliAsync("status", "--membership", "adonet");
        Assert.Equal(2, code);
        Assert.Contains("--membership adonet needs --connection (or Cluster:Membership:ConnectionString)", error);
    }

    private static async Task<(int Code, string Out, string Error)> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
