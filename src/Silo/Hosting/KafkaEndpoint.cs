namespace StreamLabel.Silo.Hosting;

/// <summary>The Kafka cluster this silo reads and writes: configured, or the embedded broker's address.</summary>
public sealed record KafkaEndpoint(string BootstrapServers, string Topic, bool IsEmbedded, IDictionary<string, string> ClientSettings);
