using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Streams;

namespace StreamLabel.Grains.Placement;

/// <summary>
/// Hands the stream's partitions to the CPU-tier silos only (queue i to the i-th of them in address order, modulo
/// their count). Students live on the silo that reads their partition and never on a GPU silo, so a GPU silo that read
/// partitions would spend its cores forwarding every event it reads to a CPU silo; its cores are the teachers'. A
/// cluster without a CPU-tier silo gives every silo its share, so it still reads its streams.
/// </summary>
public sealed partial class CpuTierQueueBalancer : QueueBalancerBase
{
    // Silo metadata can reach this silo after the membership change that brought the silo: rechecked on this period.
    internal static readonly TimeSpan RecheckPeriod = TimeSpan.FromSeconds(2);

    private readonly ISiloMetadataCache _metadata;
    private readonly TeacherPlacementOptions _tiers;
    private readonly object _gate = new();
    private List<QueueId> _queues = [];
    private SiloAddress[] _active = [];
    private SiloAddress[] _readers = [];
    private Task _recheck = Task.CompletedTask;

    public CpuTierQueueBalancer(IServiceProvider services, ILogger<CpuTierQueueBalancer> logger, ISiloMetadataCache metadata, IOptions<TeacherPlacementOptions> tiers)
        : base(services, logger)
    {
        _metadata = metadata;
        _tiers = tiers.Value;
    }

    /// <summary>The factory for <c>ConfigurePartitionBalancing</c>.</summary>
    public static IStreamQueueBalancer Create(IServiceProvider services, string name) => ActivatorUtilities.CreateInstance<CpuTierQueueBalancer>(services);

    public override Task Initialize(IStreamQueueMapper queueMapper)
    {
        ArgumentNullException.ThrowIfNull(queueMapper);
        // Every silo must number the queues alike; the mapper's order is not promised, their names are.
        _queues = [.. queueMapper.GetAllQueues().OrderBy(q => q.ToString(), StringComparer.Ordinal)];
        _recheck = RecheckAsync();
        return base.Initialize(queueMapper);
    }

    public override async Task Shutdown()
    {
        await base.Shutdown();
        await _recheck.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>This silo's queues under the current readers.</summary>
    public override IEnumerable<QueueId> GetMyQueues()
    {
        SiloAddress[] readers;
        lock (_gate) readers = _readers;
        return Share(_queues, readers, SiloAddress);
    }

    /// <summary>The silos that read partitions: the active CPU-tier silos in address order, or every active silo when none is CPU-tier.</summary>
    internal static SiloAddress[] Readers(IEnumerable<SiloAddress> active, Func<SiloAddress, bool> isAccelerator) =>
        [.. CpuTier.Of(active.Order(), isAccelerator)];

    /// <summary>Queue i goes to reader i mod readers; a silo that is not a reader gets none.</summary>
    internal static List<QueueId> Share(IReadOnlyList<QueueId> queues, SiloAddress[] readers, SiloAddress silo)
    {
        int me = Array.IndexOf(readers, silo);
        var mine = new List<QueueId>();
        if (me < 0) return mine;
        for (int i = me; i < queues.Count; i += readers.Length) mine.Add(queues[i]);
        return mine;
    }

    protected override void OnClusterMembershipChange(HashSet<SiloAddress> activeSilos)
    {
        lock (_gate) _active = [.. activeSilos];
        Update();
    }

    // Recomputes the readers; the pulling agents are told only when they changed.
    private void Update()
    {
        SiloAddress[] active;
        lock (_gate) active = _active;
        var readers = Readers(active, s => _tiers.Matches(_metadata.GetSiloMetadata(s).Metadata));
        lock (_gate)
        {
            if (readers.SequenceEqual(_readers)) return;
            _readers = readers;
        }
        LogReaders(Logger, string.Join(", ", readers.Select(r => r.ToString())));
        _ = NotifyListeners();
    }

    private async Task RecheckAsync()
    {
        try
        {
            while (!Cancellation.IsCancellationRequested)
            {
                await Task.Delay(RecheckPeriod, Cancellation);
                Update();
            }
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Partitions are read by the CPU-tier silos {Readers}")]
    private static partial void LogReaders(ILogger logger, string readers);
}
