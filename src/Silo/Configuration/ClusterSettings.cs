namespace StreamLabel.Silo.Configuration;

/// <summary>
/// Configuration section "Cluster" (env: Cluster__ClusterId, Cluster__Membership__Provider, ...).
/// Not "Orleans": Orleans itself interprets Orleans:Clustering and Orleans:GrainStorage. Silo metadata stays at
/// Orleans:Metadata (env Orleans__Metadata__accelerator=gpu), where UseSiloMetadata reads it.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";
    /// <summary>Environment variable (Kubernetes downward API: metadata.name) used when SiloName is not set.</summary>
    public const string PodNameVariable = "POD_NAME";
    /// <summary>Environment variable (Kubernetes downward API: status.podIP) used when AdvertisedIP is not set.</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>Silos and clients with the same ClusterId form one cluster. Default "streamlabel".</summary>
    public string ClusterId { get; set; } = "streamlabel";
    /// <summary>Stable across deployments; keys persisted state. Default "streamlabel".</summary>
    public string ServiceId { get; set; } = "streamlabel";
    /// <summary>Silo name; defaults to <see cref="PodNameVariable"/>, then the machine name.</summary>
    public string? SiloName { get; set; }
    /// <summary>Address other silos reach this one at; defaults to <see cref="PodIpVariable"/>, then loopback.</summary>
    public string? AdvertisedIP { get; set; }
    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;
    /// <summary>Client gateway port. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;
    /// <summary>Membership (clustering): Localhost (default, single silo), Redis or AdoNet.</summary>
    public ProviderSettings Membership { get; set; } = new() { Provider = "Localhost" };
    /// <summary>Grain storage: Memory (default), Redis or AdoNet.</summary>
    public ProviderSettings Storage { get; set; } = new() { Provider = "Memory" };
    /// <summary>Mutual TLS between silos and with clients (Cluster:Tls:CertificatePath, :KeyPath, :CaPath). Default off.</summary>
    public Grains.Connection.ClusterTlsSettings Tls { get; set; } = new();
}

/// <summary>Which backing service a clustering or storage provider uses.</summary>
public sealed class ProviderSettings
{
    /// <summary>Clustering: Localhost | Redis | AdoNet. Storage: Memory | Redis | AdoNet.</summary>
    public string Provider { get; set; } = "";
    /// <summary>Redis configuration string or ADO.NET connection string; secrets come from the environment.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>ADO.NET invariant name. Default "Npgsql" (PostgreSQL).</summary>
    public string Invariant { get; set; } = "Npgsql";
    /// <summary>
    /// AdoNet on Npgsql only: apply deploy/postgres/streamlabel-orleans.sql (idempotent) at silo start-up. Default true.
    /// Set false when the database user may not create tables and the file is applied by hand or by
    /// `streamlabel-silo postgres-schema`.
    /// </summary>
    public bool ApplySchema { get; set; } = true;
    /// <summary>
    /// Storage only: allow Memory storage with an external Kafka broker (Kafka:BootstrapServers set). The reader commits
    /// offsets once grains report their state written; in memory that state dies with the silo, so a restart would skip
    /// events that were never durably learned. Default false: such a silo refuses to start. (The embedded broker is as
    /// volatile as memory storage, so it needs no switch.)
    /// </summary>
    public bool AllowVolatile { get; set; }
}
