using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using StreamLabel.Datasets;
using StreamLabel.Streaming.EventFormat;

namespace StreamLabel.Streaming.Replay;

/// <summary>
/// Produces a labeled dataset into Kafka in stream order, with optional injected label noise and drift.
/// The (possibly noisy) training label is the event's label; the clean label travels in a header.
/// </summary>
public sealed class DatasetReplayer(string bootstrapServers, IDictionary<string, string>? clientSettings = null)
{
    /// <summary>
    /// Reports (produced, total) now and then while producing. <paramref name="pace"/>, when given, is awaited every
    /// 1000 events with the count produced so far: a caller can hold the replay back (e.g. until consumers catch up).
    /// </summary>
    public async Task<long> ReplayAsync(LabeledDataset data, ReplayOptions options, IProgress<(long Produced, long Total)>? progress = null,
        Func<long, CancellationToken, Task>? pace = null, CancellationToken cancellationToken = default)
    {
        if (options.Unlabeled is < 0 or > 1 || double.IsNaN(options.Unlabeled))
            throw new ArgumentOutOfRangeException(nameof(options), options.Unlabeled, "ReplayOptions.Unlabeled must be in [0, 1]");
        var stream = NoisyStream.Create(data, options.Noise, options.NoiseKind, options.DriftAt, options.Seed);
        var unlabeled = options.Unlabeled > 0 ? new Random(unchecked(options.Seed * 31 + 7)) : null;
        int keyColumn = options.KeyColumn is null ? -1 : IndexOfColumn(data, options.KeyColumn);
        long total = options.MaxEvents > 0 ? Math.Min(options.MaxEvents, data.Count) : data.Count;

        var config = new ProducerConfig(clientSettings ?? new Dictionary<string, string>())
        {
            BootstrapServers = bootstrapServers,
            LingerMs = 5,
            EnableIdempotence = false,
            Acks = Acks.All,
        };
        // librdkafka's own reason for a failure (a refused SASL handshake, a bad certificate) goes into the error below:
        // the delivery reports only say "message timed out". librdkafka never puts credentials in its messages.
        string? clientError = null;
        using var producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetErrorHandler((_, e) => clientError = e.Reason)
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) clientError = m.Message; })
            .Build();
        var clock = Stopwatch.StartNew();
        long produced = 0;
        Exception? failure = null;
        for (long i = 0; i < total && !cancellationToken.IsCancellationRequested && failure is null; i++)
        {
            var row = data.Features[i];
            string key = options.Key;
            float[] features = row;
            if (keyColumn >= 0)
            {
                key = row[keyColumn].ToString(System.Globalization.CultureInfo.InvariantCulture);
                features = row.Where((_, c) => c != keyColumn).ToArray();
            }
            var message = new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(key),
                Value = EventWriter.Write(features, unlabeled?.NextDouble() < options.Unlabeled ? null : data.Classes[stream.TrainingLabels[i]], $"{data.Name}:{i}"),
                Headers = new Headers { { EventHeaders.CleanLabel, Encoding.UTF8.GetBytes(data.Classes[stream.Truth[i]]) } },
            };
            while (true)
            {
                try
                {
                    producer.Produce(options.Topic, message, report =>
                    {
                        if (report.Error.IsError) failure ??= new KafkaException(report.Error);
                    });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
            produced++;
            if (options.Rate > 0)
            {
                var due = TimeSpan.FromSeconds(produced / options.Rate);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, cancellationToken).ConfigureAwait(false);
            }
            if (produced % 1000 == 0)
            {
                progress?.Report((produced, total));
                if (pace is not null) await pace(produced, cancellationToken).ConfigureAwait(false);
            }
        }
        producer.Flush(cancellationToken);
        if (failure is not null)
            throw new InvalidOperationException($"replay into '{options.Topic}' failed after {produced} events: {failure.Message}" +
                (clientError is null ? "" : $" (last Kafka client error: {clientError})"), failure);
        if (produced % 1000 != 0) progress?.Report((produced, total));
        return produced;
    }

    private static int IndexOfColumn(LabeledDataset data, string column)
    {
        for (int i = 0; i < data.FeatureNames.Count; i++)
            if (string.Equals(data.FeatureNames[i], column, StringComparison.OrdinalIgnoreCase)) return i;
        throw new ArgumentException($"key column '{column}' is not a feature column of {data.Name}", nameof(column));
    }
}
