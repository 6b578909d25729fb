using Microsoft.Extensions.Configuration;
using StreamLabel.Client.Cli;

namespace StreamLabel.Client.Commands;

/// <summary>
/// Where Kafka is and how to reach it, under the silo's own names: Kafka:BootstrapServers and the librdkafka pass-through
/// Kafka:Client (security.protocol, sasl.mechanism, sasl.username, sasl.password, ssl.ca.location, ...). Read from
/// appsettings.json beside the client, then --config FILE, then the environment (Kafka__Client__sasl.password=...), so a
/// secret never has to be a command-line argument.
/// </summary>
internal sealed record KafkaSettings(string? BootstrapServers, Dictionary<string, string> Client)
{
    public static KafkaSettings From(ParsedArgs args)
    {
        var builder = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (args.Value("--config") is { } file)
        {
            if (!File.Exists(file)) throw new UsageException($"--config: file not found: {file}");
            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }
        var kafka = builder.AddEnvironmentVariables().Build().GetSection("Kafka");
        var client = kafka.GetSection("Client").GetChildren().Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!);
        // Empty means "not set" here as in the silo (whose appsettings.json ships an empty one).
        return new KafkaSettings(string.IsNullOrWhiteSpace(kafka["BootstrapServers"]) ? null : kafka["BootstrapServers"], client);
    }
}
