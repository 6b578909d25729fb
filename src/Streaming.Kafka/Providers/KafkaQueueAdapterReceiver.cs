using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using StreamLabel.Streaming.Kafka.DataAdapters;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Streaming.Kafka.Providers;

/// <summary>
/// Reads one Kafka partition for the pulling agent: assigns it at the group's committed offset, checks record keys and
/// turns records into events through the data adapter (bad ones → dead-letter topic), packs each key's events into one
/// batch container, and commits the offset below which every event is durable in its grain (asked from the grains, see
/// <see cref="IDurableOffsetSource"/>; the agent's delivery callbacks are not trusted for this). Pauses the partition
/// when too many events are undurable. Quarantines a key whose deliveries keep failing (<see cref="KeyQuarantine"/>).
/// </summary>
internal sealed partial class KafkaQueueAdapterReceiver(
    string providerName,
    TopicPartition partition,
    KafkaStreamOptions options,
    IKafkaDataAdapter dataAdapter,
    DeadLetterProducer deadLetters,
    IGrainFactory grains,
    KafkaStreamMetrics metrics,
    ILogger<KafkaQueueAdapterReceiver> logger) : IQueueAdapterReceiver
{
    private readonly string _partitionKey = TopicPartitionKey.Of(partition.Topic, partition.Partition.Value);
    private readonly PartitionWatermark _watermark = new();
    private DeadLetterOutbox? _outbox;
    private DurabilityPoller? _poller;
    private KeyQuarantine? _quarantine; // null when Kafka:QuarantineAfterFailedDeliveries is 0
    private IConsumer<object?, byte[]>? _consumer;
    private long _sequence;
    private bool _paused;
    private Task<List<(string Key, DurableOffsets? Answer)>>? _durabilityPoll;
    private DateTime _nextDurabilityPoll;
    private Task _commit = Task.CompletedTask;
    private long _committed = -1;
    private volatile bool _startSettled;
    private IDisposable? _lagTracking;
    private static readonly TimeSpan StartQueryTimeout = TimeSpan.FromSeconds(5);

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var config = ConsumerConfigFor(options, $"{providerName}-{_partitionKey}");
        _consumer = new ConsumerBuilder<object?, byte[]>(config)
            .SetKeyDeserializer(new RecordKeyDeserializer())
            .SetErrorHandler((_, e) => LogClientError(logger, _partitionKey, e.Code, e.Reason))
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) LogClientMessage(logger, _partitionKey, m.Message); })
            .Build();
        // Assign, not Subscribe: Orleans' queue balancer decides which silo reads which partition.
        _consumer.Assign(new TopicPartitionOffset(partition, Offset.Stored));
        var consumer = _consumer;
        _lagTracking = metrics.ConsumerLag.Track(_partitionKey, () => Lag(consumer));
        _outbox = new DeadLetterOutbox(deadLetters, _watermark, (offset, reason) => LogDeadLetterFailed(logger, _partitionKey, offset, reason));
        _poller = new DurabilityPoller(grains, options, (key, error) => LogDurabilityAskFailed(logger, _partitionKey, key, error));
        if (options.QuarantineAfterFailedDeliveries > 0) _quarantine = new KeyQuarantine(grains, providerName, _partitionKey);
        LogStarted(logger, _partitionKey, options.ConsumerGroup);
        return Task.CompletedTask;
    }

    /// <summary>The consumer settings of one partition's reader: Kafka:Client, then the provider's own (which win where the
    /// provider owns them), then defaults for what neither names.</summary>
    internal static ConsumerConfig ConsumerConfigFor(KafkaStreamOptions options, string clientId)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(options.Client))
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.ConsumerGroup,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            ClientId = clientId,
        };
        config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
        // One consumer per partition: keep librdkafka's prefetch per partition moderate unless configured.
        config.QueuedMaxMessagesKbytes ??= 16 * 1024;
        config.QueuedMinMessages ??= 20_000;
        if (options.FetchWaitMax is { } wait) config.FetchWaitMaxMs ??= (int)wait.TotalMilliseconds;
        // Only headers are read (for the data adapter, e.g. the JSON format's clean-label header): the client would
        // otherwise decode the topic name into a new string for every record, although each reader knows its partition's topic.
        if (config.Get("dotnet.consumer.consume.result.fields") is null) config.ConsumeResultFields = "headers";
        return config;
    }

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_consumer is not { } consumer) return Task.FromResult<IList<IBatchContainer>>([]); // not started, or shut down
        var batch = new List<IBatchContainer>();
        _outbox!.Harvest();
        var now = DateTime.UtcNow;
        HarvestQuarantine();
        if (HarvestDurability(batch, now)) CommitIfAdvanced(consumer);
        if (now >= _nextDurabilityPoll && _durabilityPoll is null)
        {
            _nextDurabilityPoll = now + options.DurabilityPollInterval;
            _quarantine?.ReportIfDue();
            if (_watermark.PendingKeyCount > 0) _durabilityPoll = _poller!.AskAsync([.. _watermark.PendingKeys]);
            else CommitIfAdvanced(consumer);
        }

        int budget = Math.Min(options.MaxBatchRecords, options.MaxInFlightEventsPerQueue - _watermark.InFlight);
        if (budget <= 0 || _watermark.InFlightBytes >= options.MaxInFlightBytesPerQueue)
        {
            SetPaused(consumer, true);
            return Task.FromResult<IList<IBatchContainer>>(batch);
        }
        SetPaused(consumer, false);
        ReadRecords(consumer, budget, maxCount, batch);
        return Task.FromResult<IList<IBatchContainer>>(batch);
    }

    private void ReadRecords(IConsumer<object?, byte[]> consumer, int budget, int maxContainers, List<IBatchContainer> batch)
    {
        var byKey = new Dictionary<string, List<StreamEvent>>(StringComparer.Ordinal);
        var order = new List<string>();
        int read = 0;
        while (read < budget && _watermark.InFlightBytes < options.MaxInFlightBytesPerQueue)
        {
            ConsumeResult<object?, byte[]>? result;
            try
            {
                result = consumer.Consume(TimeSpan.Zero);
            }
            catch (ConsumeException failure)
            {
                LogConsumeError(logger, _partitionKey, failure.Error.Code, failure.Error.Reason);
                break;
            }
            if (result is null) break;
            if (result.IsPartitionEOF || result.Message is null) continue;
            read++;
            _watermark.Read(result.Offset.Value);
            var e = ToEvent(result);
            if (e is null) continue;
            if (_quarantine?.Contains(e.Key) == true)
            {
                DeadLetterQuarantined(e);
                continue;
            }
            _watermark.Delivered(e);
            if (!byKey.TryGetValue(e.Key, out var events))
            {
                byKey[e.Key] = events = [];
                order.Add(e.Key);
            }
            events.Add(e);
            // The agent asks for at most maxContainers containers (cache room); one container per key.
            if (maxContainers > 0 && order.Count >= maxContainers) break;
        }
        foreach (var key in order)
            batch.Add(new KafkaBatchContainer(StreamId.Create(options.StreamNamespace, key), byKey[key], new EventSequenceTokenV2(_sequence++)));
        if (read > 0) metrics.EventsRead.Add(read);
    }

    /// <summary>The record as an event, or null after sending it to the dead-letter topic.</summary>
    private StreamEvent? ToEvent(ConsumeResult<object?, byte[]> result)
    {
        try
        {
            return AdaptOrDeadLetter(result);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The read position is already past this record: an exception here would lose it, so it becomes a dead letter.
            DeadLetter(new DeadLetter(partition.Topic, partition.Partition.Value, result.Offset.Value, KeyBytes(result.Message.Key),
                result.Message.Value, DeadLetterReasons.UnreadableRecord, $"{e.GetType().Name}: {e.Message}"));
            return null;
        }
    }

    private StreamEvent? AdaptOrDeadLetter(ConsumeResult<object?, byte[]> result)
    {
        var message = result.Message;
        (string Reason, string Detail) problem;
        StreamEvent? e = null;
        if (message.Key is RejectedKey rejected) problem = (rejected.Reason, rejected.Detail);
        else
        {
            string key = message.Key as string ?? "";
            var record = new ReceivedRecord(partition.Topic, partition.Partition.Value, result.Offset.Value,
                _watermark.LastUndurableOffset(key), key, message.Value, message.Headers);
            e = dataAdapter.ToEvent(record, out problem);
        }
        if (e is null)
            DeadLetter(new DeadLetter(partition.Topic, partition.Partition.Value, result.Offset.Value, KeyBytes(message.Key), message.Value, problem.Reason, problem.Detail));
        return e;
    }

    // The record's key bytes for a dead letter: a valid key is UTF-8, so encoding its string gives the bytes back exactly.
    private static byte[]? KeyBytes(object? key) => key switch
    {
        RejectedKey rejected => rejected.Bytes,
        string valid => System.Text.Encoding.UTF8.GetBytes(valid),
        _ => null,
    };

    private void DeadLetter(DeadLetter letter)
    {
        LogDeadLetter(logger, _partitionKey, letter.Offset, letter.Reason, letter.Detail);
        _outbox!.Send(letter);
    }

    /// <summary>Applies a finished durability poll: pops durable events, redelivers on gaps or stalls. True if one finished.</summary>
    private bool HarvestDurability(List<IBatchContainer> batch, DateTime now)
    {
        if (_durabilityPoll is not { IsCompleted: true } poll) return false;
        _durabilityPoll = null;
        foreach (var (key, answer) in poll.Result)
        {
            if (answer is not null)
            {
                if (answer.Offsets.TryGetValue(_partitionKey, out long durable)) _watermark.MarkDurable(key, durable);
                if (Array.IndexOf(answer.Gaps, _partitionKey) >= 0)
                {
                    Redeliver(key, batch, now, options.DurabilityPollInterval * 3);
                    continue;
                }
            }
            // No answer too: a grain that cannot activate never answers, and must not hold its events (and the commit) forever.
            if (_watermark.IsStale(key, now, options.RedeliverAfter)) Redeliver(key, batch, now, options.RedeliverAfter);
        }
        return true;
    }

    /// <summary>The grain lost applied-but-unpersisted events (its activation ended), or a delivery is stuck: deliver the
    /// key's undurable events again (the grain skips those it already applied).</summary>
    private void Redeliver(string key, List<IBatchContainer> batch, DateTime now, TimeSpan quietPeriod)
    {
        // Each redelivery means the delivery before it failed; a key that failed too often, for long enough, stops
        // holding its partition back (a grain that keeps failing would be delivered to forever). Only while the rest of
        // the partition works: when nothing progresses (storage or broker down for every grain), waiting loses nothing
        // and quarantining would dead-letter every key.
        int failed = _watermark.FailedDeliveries(key);
        if (_quarantine is not null && failed >= options.QuarantineAfterFailedDeliveries && _watermark.SinceProgress(key, now) >= options.RedeliverAfter
            && now - _watermark.LastProgress <= options.RedeliverAfter * options.QuarantineAfterFailedDeliveries)
        {
            Quarantine(key, failed, now);
            return;
        }
        var events = _watermark.TakeForRedelivery(key, now, quietPeriod);
        if (events.Count == 0) return;
        LogRedelivery(logger, _partitionKey, key, events.Count, events[0].Offset);
        metrics.Redeliveries.Add(events.Count);
        // A backlog can hold up to Kafka:MaxInFlightEventsPerQueue events: in containers no larger than a read's.
        foreach (var chunk in events.Chunk(options.MaxBatchRecords))
            batch.Add(new KafkaBatchContainer(StreamId.Create(options.StreamNamespace, key), [.. chunk], new EventSequenceTokenV2(_sequence++)));
    }

    /// <summary>Stops delivering the key: its undurable events, and later ones as they are read, become dead letters.</summary>
    private void Quarantine(string key, int failedDeliveries, DateTime now)
    {
        _quarantine!.Add(key, failedDeliveries, now);
        var events = _watermark.TakeAll(key);
        LogQuarantined(logger, _partitionKey, key, failedDeliveries, events.Count);
        metrics.Quarantines.Add(1);
        foreach (var e in events) DeadLetterQuarantined(e);
    }

    private void DeadLetterQuarantined(StreamEvent e)
    {
        _quarantine!.DeadLettered(e.Key);
        DeadLetter(new DeadLetter(e.Topic, e.Partition, e.Offset, System.Text.Encoding.UTF8.GetBytes(e.Key), e.Value, DeadLetterReasons.GrainUnavailable,
            $"key '{e.Key}' is quarantined: its grain failed {options.QuarantineAfterFailedDeliveries} or more deliveries in a row; " +
            $"`streamlabel quarantine release {e.Key}` delivers its new events again"));
    }

    /// <summary>Applies a finished report to the quarantine grain: released keys are delivered again from their next
    /// record; a key adopted from an earlier reader of this partition stops being delivered now.</summary>
    private void HarvestQuarantine()
    {
        if (_quarantine?.Harvest() is not { } report) return;
        if (report.Error is not null) LogQuarantineReportFailed(logger, _partitionKey, report.Error);
        foreach (var key in report.Released) LogReleased(logger, _partitionKey, key);
        foreach (var key in report.Adopted)
        {
            var events = _watermark.TakeAll(key);
            LogAdopted(logger, _partitionKey, key, events.Count);
            foreach (var e in events) DeadLetterQuarantined(e);
        }
    }

    private void CommitIfAdvanced(IConsumer<object?, byte[]> consumer)
    {
        if (!_commit.IsCompleted) return;
        // Commits block on the broker round trip: keep them off the agent's turn.
        if (_watermark.Watermark is long target)
        {
            if (target > Volatile.Read(ref _committed)) _commit = Task.Run(() => Commit(consumer, target));
        }
        else if (!_startSettled) _commit = Task.Run(() => CommitStartOfEmptyPartition(consumer));
    }

    /// <summary>
    /// A partition that has never had a record gives its reader nothing to commit, so the group would have no offset
    /// there at all: lag tools and autoscalers read that as "unknown" or as the whole partition behind. When the group
    /// has no offset and the partition holds no records, its end is committed (nothing below it can still be read).
    /// </summary>
    private void CommitStartOfEmptyPartition(IConsumer<object?, byte[]> consumer)
    {
        try
        {
            if (consumer.Committed([partition], StartQueryTimeout)[0].Offset.Value < 0)
            {
                var range = consumer.QueryWatermarkOffsets(partition, StartQueryTimeout);
                if (range.Low != range.High) { _startSettled = true; return; } // records to read: their commits follow
                Commit(consumer, range.High.Value);
                if (Volatile.Read(ref _committed) < range.High.Value) return; // failed (logged): try again next poll
            }
            _startSettled = true;
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            LogCommitFailed(logger, _partitionKey, -1, e.Message);
        }
    }

    private void Commit(IConsumer<object?, byte[]> consumer, long target)
    {
        try
        {
            consumer.Commit([new TopicPartitionOffset(partition, new Offset(target))]);
            Volatile.Write(ref _committed, target);
            metrics.Commits.Add(1);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            metrics.CommitFailures.Add(1);
            LogCommitFailed(logger, _partitionKey, target, e.Message);
        }
    }

    /// <summary>The partition's end as of the last fetch minus the committed offset; null until both are known.</summary>
    private long? Lag(IConsumer<object?, byte[]> consumer)
    {
        long committed = Volatile.Read(ref _committed);
        if (committed < 0) return null;
        try
        {
            long end = consumer.GetWatermarkOffsets(partition).High.Value;
            return end < 0 ? null : Math.Max(0, end - committed);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            return null; // stopping: the reader is gone
        }
    }

    private void SetPaused(IConsumer<object?, byte[]> consumer, bool pause)
    {
        if (pause == _paused) return;
        _paused = pause;
        if (pause)
        {
            metrics.Pauses.Add(1);
            LogPaused(logger, _partitionKey, _watermark.InFlight, _watermark.InFlightBytes);
            consumer.Pause([partition]);
        }
        else consumer.Resume([partition]);
    }

    /// <summary>Not used for commits: the agent acknowledges deliveries, not durable effects (see the README).</summary>
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var consumer = Interlocked.Exchange(ref _consumer, null);
        if (consumer is null) return;
        var budget = TimeSpan.FromTicks(Math.Min(timeout.Ticks, TimeSpan.FromSeconds(5).Ticks));
        // One last durability answer lets the final commit go as far as possible; whatever is not durable is read again
        // by the next owner of the partition (grains skip what they already applied).
        try
        {
            _outbox!.Harvest();
            if (_durabilityPoll is null && _watermark.PendingKeyCount > 0) _durabilityPoll = _poller!.AskAsync([.. _watermark.PendingKeys]);
            if (_durabilityPoll is { } poll) await ((Task)poll).WaitAsync(budget, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _outbox!.Harvest();
            HarvestDurability([], DateTime.UtcNow);
            await _commit.WaitAsync(budget, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            CommitIfAdvanced(consumer);
            await _commit.WaitAsync(budget, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            _lagTracking?.Dispose();
            try { consumer.Close(); } catch (KafkaException) { }
            consumer.Dispose();
            LogStopped(logger, _partitionKey, Volatile.Read(ref _committed));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading Kafka partition {Partition} for consumer group {Group}")]
    private static partial void LogStarted(ILogger logger, string partition, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped reading Kafka partition {Partition}; committed offset {Committed}")]
    private static partial void LogStopped(ILogger logger, string partition, long committed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer error on {Partition}: {Code} {Reason}")]
    private static partial void LogClientError(ILogger logger, string partition, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consumer on {Partition}: {Message}")]
    private static partial void LogClientMessage(ILogger logger, string partition, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consume failed on {Partition}: {Code} {Reason}")]
    private static partial void LogConsumeError(ILogger logger, string partition, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dead-lettering {Partition}@{Offset}: {Reason} ({Detail})")]
    private static partial void LogDeadLetter(ILogger logger, string partition, long offset, string reason, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter for {Partition}@{Offset} not written yet ({Reason}); retrying, offset stays uncommitted")]
    private static partial void LogDeadLetterFailed(ILogger logger, string partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Durable offsets of key {Key} unavailable for {Partition}: {Error}")]
    private static partial void LogDurabilityAskFailed(ILogger logger, string partition, string key, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {Key} on {Partition} lost undurable events; delivering {Count} again from offset {From}")]
    private static partial void LogRedelivery(ILogger logger, string partition, string key, int count, long from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key {Key} on {Partition} quarantined after {Failed} failed deliveries: {Count} undurable events and its later ones go to the dead-letter topic (grain-unavailable) until released")]
    private static partial void LogQuarantined(ILogger logger, string partition, string key, int failed, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key {Key} on {Partition} is quarantined (reported by an earlier reader of the partition); {Count} undurable events go to the dead-letter topic")]
    private static partial void LogAdopted(ILogger logger, string partition, string key, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {Key} on {Partition} released from quarantine: its new events are delivered again")]
    private static partial void LogReleased(ILogger logger, string partition, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantine report of {Partition} failed: {Error}; retried at the next durability poll")]
    private static partial void LogQuarantineReportFailed(ILogger logger, string partition, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commit of {Partition} at {Offset} failed: {Error}; retried at the next durability poll")]
    private static partial void LogCommitFailed(ILogger logger, string partition, long offset, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pausing {Partition}: {InFlight} events of {Bytes} bytes not yet durable (Kafka:MaxInFlightEventsPerQueue, Kafka:MaxInFlightBytesPerQueue)")]
    private static partial void LogPaused(ILogger logger, string partition, int inFlight, long bytes);
}
