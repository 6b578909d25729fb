using System.Reflection;
using System.Runtime.InteropServices;

namespace StreamLabel.Streaming.Kafka.Embedded;

/// <summary>P/Invoke surface of librdkafka's mock cluster (rdkafka_mock.h).</summary>
internal static partial class MockClusterNative
{
    private const string Lib = "streamlabel-librdkafka";

    static MockClusterNative() => NativeLibrary.SetDllImportResolver(typeof(MockClusterNative).Assembly, Resolve);

    // The generic linux-x64 librdkafka.so needs libsasl2.so.3, absent on a bare Debian 12; the centos8 build loads as is.
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib) return IntPtr.Zero;
        var errors = new List<string>();
        foreach (var candidate in Candidates())
        {
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
            errors.Add(candidate);
        }
        throw new DllNotFoundException("could not load librdkafka for the embedded broker; tried: " + string.Join(", ", errors));
    }

    private static IEnumerable<string> Candidates()
    {
        var baseDir = AppContext.BaseDirectory;
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        foreach (var dir in new[] { Path.Combine(baseDir, "runtimes", rid, "native"), baseDir })
        {
            yield return Path.Combine(dir, "centos8-librdkafka.so");
            yield return Path.Combine(dir, "librdkafka.so");
            yield return Path.Combine(dir, "alpine-librdkafka.so");
        }
        yield return "librdkafka.so.1";
    }

    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_conf_new();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);
    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, nuint errstrSize);
    [LibraryImport(Lib)] internal static partial void rd_kafka_destroy(IntPtr rk);
    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);
    [LibraryImport(Lib)] internal static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);
    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitions, int replicationFactor);
    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);
    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);
    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_rtt(IntPtr mcluster, int brokerId, int rttMs);
    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_push_request_errors_array(IntPtr mcluster, short apiKey, nuint count, int[] errors);
    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_err2str(int err);
}
