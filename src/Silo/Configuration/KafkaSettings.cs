namespace StreamLabel.Silo.Configuration;

/// <summary>
/// Configuration section "Kafka" (env: Kafka__BootstrapServers, Kafka__Topics__0, Kafka__Client__sasl.password, ...):
/// where the silo reads labeled events.
/// </summary>
public sealed class KafkaSettings
{
    public const string Section = "Kafka";

    /// <summary>Bootstrap servers of a real Kafka cluster, "host:port,...". Empty (default) = start the embedded broker.</summary>
    public string? BootstrapServers { get; set; }
    /// <summary>Topics the students read. Empty = ["events"] (appsettings.json also says ["events"]).</summary>
    public string[] Topics { get; set; } = [];
    /// <summary>Passed to librdkafka as is (security.protocol, sasl.*, ssl.*); secrets come from the environment.</summary>
    public Dictionary<string, string> Client { get; set; } = [];
}
