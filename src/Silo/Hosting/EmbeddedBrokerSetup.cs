using StreamLabel.Silo.Configuration;
using StreamLabel.Streaming.Kafka;
using StreamLabel.Streaming.Kafka.Embedded;

namespace StreamLabel.Silo.Hosting;

/// <summary>
/// Resolves where Kafka is: Kafka:BootstrapServers when configured; otherwise starts the embedded broker
/// (librdkafka's mock cluster) with the configured topics, and points the rest of the host at it.
/// </summary>
internal static class EmbeddedBrokerSetup
{
    public static KafkaEndpoint ResolveKafka(this WebApplicationBuilder builder)
    {
        var kafka = builder.Configuration.GetSection(KafkaStreamOptions.Section).Get<KafkaStreamOptions>() ?? new KafkaStreamOptions();
        var topics = kafka.EffectiveTopics;
        var client = kafka.Client;
        var configured = kafka.BootstrapServers;
        if (!string.IsNullOrWhiteSpace(configured))
            return new KafkaEndpoint(configured, topics[0], false, client);

        var options = builder.Configuration.GetSection("EmbeddedBroker").Get<EmbeddedBrokerOptions>() ?? new EmbeddedBrokerOptions();
        RefuseUnlessEmbeddedIsMeant(options);
        // Outputs exist up front too, so the first dead letter or prediction does not wait for topic auto-creation.
        var outputs = new[] { kafka.DeadLetterTopic, builder.Configuration["Student:PredictionsTopic"] ?? "streamlabel-predictions" };
        options.Topics = topics.Union(options.Topics).Union(outputs).ToList();
        var broker = EmbeddedKafkaBroker.Start(options);
        builder.Services.AddSingleton(broker); // disposed with the host, after the silo has stopped reading
        builder.Configuration["Kafka:BootstrapServers"] = broker.BootstrapServers;
        builder.Configuration["Kafka:FetchWaitMax"] ??= EmbeddedKafkaBroker.ConsumerFetchWait.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"embedded Kafka-protocol broker at {broker.BootstrapServers} (topics {string.Join(",", options.Topics)}, {options.Partitions} partitions)");
        return new KafkaEndpoint(broker.BootstrapServers, topics[0], true, client);
    }

    /// <summary>The embedded broker is a demo and test default: a silo that is part of a real cluster and names no Kafka
    /// has lost its configuration, and would otherwise learn from a private broker nobody produces to.</summary>
    private static void RefuseUnlessEmbeddedIsMeant(EmbeddedBrokerOptions options)
    {
        if (options.Enabled == true) return;
        if (options.Enabled == false)
            throw new InvalidOperationException("Kafka:BootstrapServers is empty and EmbeddedBroker:Enabled=false: name the Kafka cluster to read");
        // In Kubernetes the silo is part of a deployment that must name its Kafka; single-machine clusters (tests,
        // local-cluster.sh) may still share the embedded broker of their first silo.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")))
            throw new InvalidOperationException(
                "Kafka:BootstrapServers is empty on a Kubernetes silo: set it to the Kafka cluster (Kafka__BootstrapServers), " +
                "or set EmbeddedBroker:Enabled=true to run the embedded test broker anyway");
    }
}
