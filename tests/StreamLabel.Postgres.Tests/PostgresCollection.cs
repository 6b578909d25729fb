using StreamLabel.Testing;

namespace StreamLabel.Postgres.Tests;

/// <summary>One PostgreSQL server for the suite; each test creates its own database on it.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
