using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamLabel.Streaming.Kafka.DeadLetters;

/// <summary>
/// The silo's shared Kafka producer (one per provider name), configured like the provider's consumers (bootstrap
/// servers and Kafka:Client settings). Used for dead letters and by grains for other outputs, e.g. predictions.
/// </summary>
public sealed partial class KafkaOutputProducer : IDisposable
{
    private readonly ILogger _logger;

    public KafkaOutputProducer(KafkaStreamOptions options, ILogger<KafkaOutputProducer> logger)
    {
        _logger = logger;
        Producer = new ProducerBuilder<byte[], byte[]>(ConfigFor(options))
            .SetErrorHandler((_, e) => LogClientError(_logger, e.Code, e.Reason))
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) LogClientMessage(_logger, m.Name, m.Message); })
            .Build();
    }

    /// <summary>The producer settings: Kafka:Client, then the provider's own (acks=all, which durability needs).
    /// message.max.bytes, unless set, takes a dead letter of Kafka:MaxRecordBytes (librdkafka's default, 1000000, is
    /// below the default record limit of 1 MiB); linger.ms, unless set, is 5 (a delivery waits for its acks).</summary>
    internal static ProducerConfig ConfigFor(KafkaStreamOptions options)
    {
        var config = new ProducerConfig(new Dictionary<string, string>(options.Client))
        {
            BootstrapServers = options.BootstrapServers,
            Acks = Acks.All,
        };
        config.LingerMs ??= 5;
        config.MessageMaxBytes ??= options.MaxRecordBytes + DeadLetterLimits.Room;
        return config;
    }

    /// <summary>The underlying producer (thread-safe). Do not dispose it: the silo does.</summary>
    public IProducer<byte[], byte[]> Producer { get; }

    /// <summary>Produces one record and completes when the broker acknowledged it.</summary>
    public Task<DeliveryResult<byte[], byte[]>> PublishAsync(string topic, byte[]? key, byte[] value, Headers? headers = null,
        CancellationToken cancellationToken = default) =>
        Producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = key!, Value = value, Headers = headers }, cancellationToken);

    public void Dispose()
    {
        try { Producer.Flush(TimeSpan.FromSeconds(10)); }
        catch (Exception e) { LogClientMessage(_logger, "flush", e.Message); }
        Producer.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka producer error {Code}: {Reason}")]
    private static partial void LogClientError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka producer {Name}: {Message}")]
    private static partial void LogClientMessage(ILogger logger, string name, string message);
}
