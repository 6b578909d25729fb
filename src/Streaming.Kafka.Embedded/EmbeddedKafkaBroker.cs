using System.Runtime.InteropServices;
using System.Text;
using static StreamLabel.Streaming.Kafka.Embedded.MockClusterNative;

namespace StreamLabel.Streaming.Kafka.Embedded;

/// <summary>
/// A Kafka-protocol broker on loopback TCP ports, backed by librdkafka's mock cluster. Any Kafka client can
/// produce to and consume from <see cref="BootstrapServers"/>. Data lives in memory and ends with <see cref="Dispose"/>.
/// Not a production broker: production configures Kafka:BootstrapServers to a real cluster.
/// </summary>
public sealed class EmbeddedKafkaBroker : IDisposable
{
    private const int ProducerType = 0;
    private readonly object _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    public string BootstrapServers { get; }
    public EmbeddedBrokerOptions Options { get; }

    /// <summary>
    /// fetch.wait.max.ms for consumers of this broker (Kafka:FetchWaitMax). The mock cluster answers a fetch that found no
    /// records only after the consumer's whole max wait, even when records arrive meanwhile (a real broker answers at
    /// once), so librdkafka's default 500 ms puts up to 500 ms between producing to a caught-up partition and reading it.
    /// Each empty fetch costs CPU, though: at 2k events/s over 8 partitions (throughput bench, busy 2-core machine)
    /// 10 / 25 / 50 / 100 / 500 ms gave produce→learned p50 24 / 31 / 43 / 66 / 270 ms for about 1.05 / 0.92 / 0.79 /
    /// 0.62 / 0.56 cores in all. 25 ms: about one Kafka:PollInterval of added latency for about a third of a core more
    /// than the default (the embedded broker serves development and demo silos, not production).
    /// </summary>
    public static TimeSpan ConsumerFetchWait { get; } = TimeSpan.FromMilliseconds(25);

    private EmbeddedKafkaBroker(IntPtr handle, IntPtr cluster, EmbeddedBrokerOptions options)
    {
        _handle = handle;
        _cluster = cluster;
        Options = options;
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("mock cluster returned no bootstrap servers");
    }

    public static EmbeddedKafkaBroker Start(EmbeddedBrokerOptions? options = null)
    {
        options ??= new EmbeddedBrokerOptions();
        options.Validate();
        var errstr = new byte[512];
        var conf = rd_kafka_conf_new();
        // Keep the owning client quiet: it only hosts the mock cluster and never talks to it.
        rd_kafka_conf_set(conf, "log_level", "3", errstr, (nuint)errstr.Length);
        var handle = rd_kafka_new(ProducerType, conf, errstr, (nuint)errstr.Length);
        if (handle == IntPtr.Zero) throw new InvalidOperationException("rd_kafka_new failed: " + ErrorText(errstr));
        var cluster = SignalMask.WithAllSignalsBlocked(() => rd_kafka_mock_cluster_new(handle, options.Brokers));
        if (cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }
        var broker = new EmbeddedKafkaBroker(handle, cluster, options);
        foreach (var topic in options.EffectiveTopics) broker.CreateTopic(topic, options.Partitions, options.ReplicationFactor);
        return broker;
    }

    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        int err = rd_kafka_mock_topic_create(Cluster, topic, partitions, replicationFactor);
        if (err != 0) throw new InvalidOperationException($"creating topic '{topic}' failed: {Describe(err)}");
    }

    /// <summary>Takes a broker down (1-based id): clients see connection failures until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) => Check(rd_kafka_mock_broker_set_down(Cluster, brokerId), "set_down");

    public void SetBrokerUp(int brokerId) => Check(rd_kafka_mock_broker_set_up(Cluster, brokerId), "set_up");

    /// <summary>Adds a round-trip delay to every response from a broker.</summary>
    public void SetBrokerRtt(int brokerId, int rttMs) => Check(rd_kafka_mock_broker_set_rtt(Cluster, brokerId, rttMs), "set_rtt");

    /// <summary>Makes the next requests of one API (Kafka API key, e.g. 1 = Fetch) fail with the given error codes.</summary>
    public void PushRequestErrors(short apiKey, params int[] errorCodes) =>
        rd_kafka_mock_push_request_errors_array(Cluster, apiKey, (nuint)errorCodes.Length, errorCodes);

    private IntPtr Cluster
    {
        get
        {
            lock (_gate) return _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(EmbeddedKafkaBroker));
        }
    }

    private static void Check(int err, string what)
    {
        if (err != 0) throw new InvalidOperationException($"mock broker {what} failed: {Describe(err)}");
    }

    private static string Describe(int err) => $"{Marshal.PtrToStringUTF8(rd_kafka_err2str(err))} ({err})";

    private static string ErrorText(byte[] errstr)
    {
        int end = Array.IndexOf(errstr, (byte)0);
        return Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }

    public void Dispose()
    {
        IntPtr cluster, handle;
        lock (_gate)
        {
            (cluster, handle) = (_cluster, _handle);
            (_cluster, _handle) = (IntPtr.Zero, IntPtr.Zero);
        }
        if (cluster != IntPtr.Zero) rd_kafka_mock_cluster_destroy(cluster);
        if (handle != IntPtr.Zero) rd_kafka_destroy(handle);
    }
}
