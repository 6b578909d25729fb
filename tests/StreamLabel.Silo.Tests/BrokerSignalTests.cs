using System.Diagnostics;
using System.Reflection;
using Confluent.Kafka;
using StreamLabel.Testing;

namespace StreamLabel.Silo.Tests;

/// <summary>
/// `streamlabel-silo broker` survives the signals the fault injection sends it (SIGSTOP/SIGCONT = broker-pause/-resume,
/// SIGUSR2 = brokers up): librdkafka's mock cluster thread ends its loop when a signal interrupts its poll, so it must
/// never be the thread that takes them. A SIGCONT wakes every thread of the stopped process and may be handled on any.
/// </summary>
public sealed class BrokerSignalTests
{
    private const int SigUsr2 = 12, SigCont = 18, SigStop = 19;

    [Fact]
    public async Task A_burst_of_signals_leaves_the_broker_serving()
    {
        var dir = typeof(BrokerSignalTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloOutputDir").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in new[] { Path.Combine(dir, "streamlabel-silo.dll"), "broker", "--partitions", "1", "--topics", "signals" }) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        try
        {
            var bootstrap = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                ?? throw new InvalidOperationException("the broker printed no address: " + await process.StandardError.ReadToEndAsync());
            var errors = process.StandardError.ReadToEndAsync(); // keep its pipe drained
            string Gone() => $"the broker process is gone (exit {process.ExitCode}): {errors.Wait(5000) switch { true => errors.Result, false => "" }}";
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, MessageTimeoutMs = 10_000 }).Build();
            await producer.ProduceAsync("signals", new Message<Null, string> { Value = "before" });

            for (int i = 0; i < 40; i++)
            {
                if (!LocalHost.Signal(process.Id, SigStop)) Assert.Fail(Gone());
                await Task.Delay(20);
                if (!LocalHost.Signal(process.Id, SigCont) || !LocalHost.Signal(process.Id, SigUsr2)) Assert.Fail(Gone());
                await Task.Delay(20);
            }
            await Task.Delay(TimeSpan.FromSeconds(1));

            if (process.HasExited) Assert.Fail(Gone());
            // A new client has to connect: the mock cluster's thread must still be serving.
            using var after = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, MessageTimeoutMs = 10_000 }).Build();
            var delivered = await after.ProduceAsync("signals", new Message<Null, string> { Value = "after" });
            Assert.Equal(1, delivered.Offset.Value);
        }
        finally { LocalHost.Stop(process, signal: 2, TimeSpan.FromSeconds(10)); }
    }
}
