using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using StreamLabel.Grains.Hosting;
using StreamLabel.Streaming.Kafka;
using StreamLabel.Streaming.Kafka.Quarantine;

namespace StreamLabel.Grains.Cluster;

/// <summary>
/// Cluster facts a client cannot read itself: active silos with their metadata, and the Kafka intake — per partition
/// the consumer group's committed offset against the high watermark (the lag), and the dead-letter topic's size.
/// Offsets are read from the brokers, so the figures hold whichever silo reads a partition. Quarantined keys come from
/// the Kafka provider's <see cref="IKeyQuarantineGrain"/>, where releases go too. Student totals come from the registry
/// shards and each silo's <see cref="StudentTally"/> report, never from the students.
/// </summary>
public sealed class ClusterInfoGrain(
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    IOptionsMonitor<KafkaStreamOptions> kafkaOptions) : Grain, IClusterInfoGrain
{
    private static readonly TimeSpan BrokerTimeout = TimeSpan.FromSeconds(5);
    private IConsumer<byte[], byte[]>? _consumer;

    public async Task<ClusterInfo> GetClusterInfoAsync()
    {
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => new SiloInfo(m.SiloAddress.ToParsableString(), m.Name, metadata.GetSiloMetadata(m.SiloAddress).Metadata))
            .ToList();
        var kafka = kafkaOptions.Get(StreamLabelGrainsExtensions.KafkaProviderName);
        try
        {
            // librdkafka's offset queries block: keep them off the grain's scheduler.
            var (partitions, deadLetters) = await Task.Run(() => ReadIntake(kafka));
            var quarantined = await Quarantine.ListAsync();
            return new ClusterInfo(silos, partitions, deadLetters, DateTimeOffset.UtcNow)
            {
                Students = await StudentTotalsAsync([.. silos.Select(s => s.Address)]),
                Quarantined = [.. quarantined.Select(q => new QuarantinedKeyInfo(q.Key, q.Partition, q.Since, q.FailedDeliveries, q.DeadLettered))],
            };
        }
        catch (KafkaException e)
        {
            // Orleans has no codec for Confluent's exception types: a caller in another process would get a
            // CodecNotFoundException instead of the reason. Pass the reason on in an exception it can carry.
            throw new InvalidOperationException($"Kafka at {kafka.BootstrapServers}: {e.Error.Reason} ({e.Error.Code})");
        }
    }

    public Task<bool> ReleaseQuarantinedKeyAsync(string key) => Quarantine.ReleaseAsync(key);

    /// <summary>The registry shards' counts (students as of their last deactivation) plus what the active students of
    /// the active silos saw since they activated: 64 shard calls and one, whatever the number of students.</summary>
    private async Task<StudentTotals> StudentTotalsAsync(HashSet<string> activeSilos)
    {
        var registry = ModelRegistry.TotalsAsync(GrainFactory);
        var reports = (await GrainFactory.GetGrain<IStudentTotalsGrain>(0).GetAsync()).Where(r => activeSilos.Contains(r.Key)).Select(r => r.Value).ToList();
        var shards = await registry;
        return new StudentTotals(shards.Models, shards.EventsSeen + reports.Sum(r => r.EventsSeenSinceActivation),
            reports.Sum(r => r.EventsPerSecond), reports.Sum(r => r.ActiveModels));
    }

    private IKeyQuarantineGrain Quarantine => GrainFactory.GetGrain<IKeyQuarantineGrain>(StreamLabelGrainsExtensions.KafkaProviderName);

    private (List<PartitionLag> Partitions, long DeadLetters) ReadIntake(KafkaStreamOptions kafka)
    {
        var consumer = _consumer ??= new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(new Dictionary<string, string>(kafka.Client))
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = kafka.ConsumerGroup,
            EnableAutoCommit = false,
        }).Build();
        var topics = kafka.EffectiveTopics;
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(BrokerTimeout);
        var partitions = metadata.Topics.Where(t => topics.Contains(t.Topic))
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
        var committed = partitions.Count == 0 ? [] : consumer.Committed(partitions, BrokerTimeout);
        var lags = partitions.Select(tp =>
        {
            long position = committed.FirstOrDefault(c => c.TopicPartition == tp)?.Offset.Value ?? Offset.Unset.Value;
            return new PartitionLag(tp.Topic, tp.Partition.Value, Math.Max(0, position), consumer.QueryWatermarkOffsets(tp, BrokerTimeout).High.Value, 0, null);
        }).OrderBy(p => p.Topic).ThenBy(p => p.Partition).ToList();
        long deadLetters = metadata.Topics.Where(t => t.Topic == kafka.DeadLetterTopic)
            .SelectMany(t => t.Partitions)
            .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(kafka.DeadLetterTopic, p.PartitionId), BrokerTimeout).High.Value);
        return (lags, deadLetters);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _consumer?.Dispose();
        return Task.CompletedTask;
    }
}
