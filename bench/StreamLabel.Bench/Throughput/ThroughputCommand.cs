using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using StreamLabel.Grains;
using StreamLabel.Grains.Student;
using StreamLabel.Streaming.Kafka.Embedded;

namespace StreamLabel.Bench.Throughput;

/// <summary>
/// `throughput`: in one process and one run, the same N events through (1) a raw Kafka consumer, (2) the learning core
/// alone, (3) the PyTorch reference, (4) broker → provider → student grains; then latency at half the measured rate and
/// memory per idle student. Prints a table and the ratios the targets are stated in.
/// </summary>
public static class ThroughputCommand
{
    private const string Topic = "events";

    public static async Task<int> RunAsync(ThroughputOptions o)
    {
        if (o.MultiSilo)
        {
            try { return await MultiSiloCommand.RunAsync(o); }
            catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or TimeoutException)
            {
                Console.Error.WriteLine($"throughput --multi-silo: failed: {e.Message}");
                return 1;
            }
        }
        BenchTorch.Threads = o.TorchThreads;
        if (o.TorchThreads > 0) TorchSharp.torch.set_num_threads(o.TorchThreads);
        var student = new StudentOptions();
        var spec = new ModelSpec(o.Features, SyntheticStream.Classes, [o.Hidden]);
        string machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {CpuModel()}, load average {LoadAverage()} at start";
        Console.WriteLine($"throughput: {o.Events} events, {o.Keys} keys, {o.Partitions} partitions, batch {o.Batch} (backlog {(o.BacklogBatch == 0 ? "off" : o.BacklogBatch)}; bare runs and PyTorch step {o.StepRows} rows), MLP {o.Features}-{o.Hidden}-2; {machine}");
        Console.WriteLine($"  silo settings: {EffectiveSettings.Describe(BenchSilo.Settings("(embedded)", Topic, o, o.Settings))}");
        if (o.PyTorch && !o.EndToEndOnly && !o.MemoryOnly && o.LatencyOnlyRate == 0) PyTorchReference.CheckInstalled();

        var stream = new SyntheticStream(o.Events, o.Keys, o.Features);
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Topics = [Topic, "streamlabel-predictions", "streamlabel-dead-letters"], Partitions = o.Partitions });
        using var producer = new EventProducer(broker.BootstrapServers);
        long producedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        if (o.EndToEndOnly)
        {
            for (int i = 0; i < stream.Count; i++) producer.Produce(Topic, o.Partitions, stream, i, producedAt);
            producer.Flush();
            await WarmUpAsync(broker, producer, o);
            using var onlySteps = new LatencyRecorder();
            await using var only = await BenchSilo.StartAsync(broker.BootstrapServers, Topic, o, o.Settings);
            double since = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            var busyBefore = only.Bank.Schedulers.Select(w => w.BusyTime).ToArray();
            // The events were produced before the silo started: what is allocated from here on is the silo's path.
            long allocated0 = GC.GetTotalAllocatedBytes();
            using var sampler = o.AllocationProfile ? new AllocationSampler() : null;
            using var jit = o.JitProfile ? new JitSampler() : null;
            var (onlyRate, seconds, onlyCpu, onlyAllocated) = await only.MeasureUntilAsync(stream.KeyNames, stream.Count, TimeSpan.FromMinutes(10));
            var busy = only.Bank.Schedulers.Select((w, i) => (w.BusyTime - busyBefore[i]).TotalSeconds / seconds).ToArray();
            Console.WriteLine($"  allocated         {onlyAllocated:F0} B/event in the measured window ({(GC.GetTotalAllocatedBytes() - allocated0) / (double)stream.Count:F0} with silo start-up); load average {LoadAverage()}");
            if (sampler is not null) foreach (var line in sampler.Top(25)) Console.WriteLine("    " + line);
            if (jit is not null) foreach (var line in jit.Summary(30)) Console.WriteLine("    " + line);
            if (only.LastWindow is { } w) foreach (var line in w.End.Describe(w.Start, w.Events)) Console.WriteLine("    " + line);
            Console.WriteLine($"  measured window: {since:F0}..{(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds:F0} ms after process start");
            Console.WriteLine($"  end to end        {onlyRate,12:N0} ev/s ({seconds:F1} s), {onlyCpu:F1} us CPU/event, {stream.Count / (double)Math.Max(1, onlySteps.Steps):F0} rows/step");
            Console.WriteLine($"  model bank        {only.Bank.Steps:N0} student steps in {only.Bank.BankSteps:N0} bank steps ({only.Bank.Steps / (double)Math.Max(1, only.Bank.BankSteps):F1} per bank step); " +
                $"{busy.Length} worker(s) busy {string.Join(", ", busy.Select(b => b.ToString("P0")))} of the measured time");
            return 0;
        }
        if (o.LatencyOnlyRate > 0)
        {
            // One silo on a topic holding one event per key (the keys' students are active, as after a full run).
            broker.CreateTopic($"{Topic}-1", o.Partitions);
            var keyed = new SyntheticStream(o.Keys, o.Keys, o.Features, seed: 3);
            for (int i = 0; i < keyed.Count; i++) producer.Produce($"{Topic}-1", o.Partitions, keyed, i, producedAt);
            producer.Flush();
            await WarmUpAsync(broker, producer, o);
            var part = await BenchSilo.StartAsync(broker.BootstrapServers, $"{Topic}-1", o, o.Settings);
            await part.WaitForEventsAsync(keyed.KeyNames, keyed.Count, TimeSpan.FromMinutes(2));
            {
                double cpu0 = CpuSeconds();
                long allocated0 = GC.GetTotalAllocatedBytes();
                using var sampler = o.AllocationProfile ? new AllocationSampler() : null;
                var pause0 = GC.GetTotalPauseDuration();
                int[] gc0 = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
                var (r, n, p50only, p99only) = await MeasureLatencyAsync(part, producer, $"{Topic}-1", keyed, o, o.LatencyOnlyRate);
                Console.WriteLine($"  latency at {r:N0} ev/s: p50 {p50only:F1} ms, p99 {p99only:F1} ms ({n} events, {(CpuSeconds() - cpu0) * 1e6 / n:F1} us CPU/event incl. producing; " +
                    $"GC pauses {(GC.GetTotalPauseDuration() - pause0).TotalMilliseconds:F0} ms in {GC.CollectionCount(0) - gc0[0]}/{GC.CollectionCount(1) - gc0[1]}/{GC.CollectionCount(2) - gc0[2]} gen0/1/2 collections; " +
                    $"{(GC.GetTotalAllocatedBytes() - allocated0) / (double)n:F0} B allocated/event; load average {LoadAverage()})");
                if (sampler is not null) foreach (var line in sampler.Top(25)) Console.WriteLine("    " + line);
            }
            await part.DisposeAsync();
        }
        if (o.MemoryOnly)
        {
            // Without --latency-only this is the process's first silo: nothing of an earlier one is freed meanwhile.
            var idleOnly = await IdleStudentsOnFreshSiloAsync(broker, producer, o);
            Console.WriteLine("  " + idleOnly.Describe(o.IdleEvents));
        }
        if (o.MemoryOnly || o.LatencyOnlyRate > 0) return 0;
        // Rounds: each measure runs R times on its own copy of the events (topic events-r, a new silo each time), and the
        // medians are reported. A busy shared machine makes single short runs swing by 2x.
        var topics = Enumerable.Range(1, o.Rounds).Select(r => $"{Topic}-{r}").ToArray();
        foreach (var roundTopic in topics)
        {
            broker.CreateTopic(roundTopic, o.Partitions);
            for (int i = 0; i < stream.Count; i++) producer.Produce(roundTopic, o.Partitions, stream, i, producedAt);
        }
        producer.Flush();
        Console.WriteLine($"  produced {o.Rounds} x {stream.Count} events to {broker.BootstrapServers}");
        int bareThreads = Math.Min(Environment.ProcessorCount, o.Keys);
        var raws = new List<(double Rate, double Cpu)>();
        var bares = new List<(double Rate, double Cpu)>();
        var banks = new List<(double Rate, double Cpu)>();
        var e2es = new List<(double Rate, double Cpu)>();
        await WarmUpAsync(broker, producer, o);
        BenchSilo? silo = null;
        double rowsPerStep = 0;
        int threads = 0;
        for (int round = 0; round < o.Rounds; round++)
        {
            double cpu = CpuSeconds();
            double rawRate = RawConsumerBaseline.EventsPerSecond(broker.BootstrapServers, topics[round], o.Partitions, stream.Count);
            raws.Add((rawRate, (CpuSeconds() - cpu) * 1e6 / stream.Count));
            bares.Add(BareLearnerBaseline.EventsPerSecond(stream, spec, o.StepRows, student.DistillationRowsPerStep, bareThreads, warmUp: round == 0));
            banks.Add(BareBankBaseline.EventsPerSecond(stream, spec, o.StepRows, student.DistillationRowsPerStep, warmUp: round == 0));
            if (silo is not null) await silo.DisposeAsync();
            var steps = new LatencyRecorder();
            silo = await BenchSilo.StartAsync(broker.BootstrapServers, topics[round], o, o.Settings);
            var (e2eRate, _, e2eCpu, _) = await silo.MeasureUntilAsync(stream.KeyNames, stream.Count, TimeSpan.FromMinutes(10));
            e2es.Add((e2eRate, e2eCpu));
            threads = Process.GetCurrentProcess().Threads.Count;
            rowsPerStep = stream.Count / (double)Math.Max(1, steps.Steps);
            steps.Dispose();
            Console.WriteLine($"  round {round + 1}: raw consumer {raws[^1].Rate,9:N0} ev/s ({raws[^1].Cpu:F1} us CPU/ev) | bare TorchSharp {bares[^1].Rate,9:N0} ev/s " +
                $"({bares[^1].Cpu:F1} us CPU/ev, {bareThreads} threads) | bare bank {banks[^1].Rate,9:N0} ev/s ({banks[^1].Cpu:F1} us CPU/ev) | end to end {e2eRate,9:N0} ev/s ({e2eCpu:F1} us CPU/ev, {rowsPerStep:F0} rows/step, {threads} threads)");
        }
        var lastSilo = silo!;
        double raw = Median(raws.Select(x => x.Rate)), rawCpuMicros = Median(raws.Select(x => x.Cpu));
        double bare = Median(bares.Select(x => x.Rate)), bareCpuMicros = Median(bares.Select(x => x.Cpu));
        double bank = Median(banks.Select(x => x.Rate)), bankCpuMicros = Median(banks.Select(x => x.Cpu));
        double e2e = Median(e2es.Select(x => x.Rate)), e2eCpuMicros = Median(e2es.Select(x => x.Cpu));
        double e2eSeconds = stream.Count / e2e;
        double? torch = o.PyTorch ? PyTorchReference.EventsPerSecond(stream, o.Keys, o.StepRows, o.Hidden, student.DistillationRowsPerStep, Math.Max(1, o.TorchThreads)) : null;
        if (torch is double t) Console.WriteLine($"  PyTorch reference {t,12:N0} ev/s");

        var (rate, samples, p50, p99) = await MeasureLatencyAsync(lastSilo, producer, topics[^1], stream, o, e2e / 2);
        Console.WriteLine($"  latency at {rate:N0} ev/s: p50 {p50:F1} ms, p99 {p99:F1} ms ({samples} events)");
        await lastSilo.DisposeAsync();
        var idle = await IdleStudentsOnFreshSiloAsync(broker, producer, o);
        Console.WriteLine("  " + idle.Describe(o.IdleEvents));

        var result = new ThroughputResult
        {
            Machine = machine, Keys = o.Keys, Events = o.Events, Partitions = o.Partitions, Batch = o.Batch, BacklogBatch = o.BacklogBatch, Hidden = o.Hidden,
            TorchThreads = o.TorchThreads, RawConsumerEventsPerSecond = raw, BareTorchSharpEventsPerSecond = bare,
            BareTorchSharpThreads = bareThreads, EndToEndEventsPerSecond = e2e, EndToEndSeconds = e2eSeconds,
            EndToEndCpuMicrosPerEvent = e2eCpuMicros, RawConsumerCpuMicrosPerEvent = rawCpuMicros, BareTorchSharpCpuMicrosPerEvent = bareCpuMicros,
            BareBankEventsPerSecond = bank, BareBankCpuMicrosPerEvent = bankCpuMicros, BareBankRounds = banks.Select(x => x.Rate).ToArray(),
            RatioToRawConsumer = e2e / raw, RatioToBareTorchSharp = e2e / bare, RatioToBareBank = e2e / bank, PyTorchEventsPerSecond = torch,
            RatioToPyTorch = torch is double tt ? e2e / tt : null, Rounds = o.Rounds,
            RawConsumerRounds = raws.Select(x => x.Rate).ToArray(), BareTorchSharpRounds = bares.Select(x => x.Rate).ToArray(),
            EndToEndRounds = e2es.Select(x => x.Rate).ToArray(), LatencyRateEventsPerSecond = rate, LatencySamples = samples,
            MeanRowsPerStep = rowsPerStep, P50LatencyMs = p50, P99LatencyMs = p99, IdleStudents = o.IdleStudents, IdleEvents = o.IdleEvents, ManagedBytesPerStudent = idle.Managed,
            NativeBytesPerStudent = idle.Native, BytesPerStudent = idle.Total, MarginalManagedBytesPerStudent = idle.MarginalManaged,
            MarginalNativeBytesPerStudent = idle.MarginalNative, MarginalBytesPerStudent = idle.Marginal, BytesPerDeactivatedStudent = idle.AfterDeactivation, ThreadCount = threads,
        };
        Print(result);
        if (o.Json is { } path)
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, ResultJson.Options));
        return 0;
    }

    /// <summary>
    /// Memory per idle student on a fresh silo whose 16 bench keys learned one event each. Not on the silo that ran the
    /// throughput and latency measures: it still holds their events (stream cache, events awaiting durability) and frees
    /// them during the idle measure, which read as a negative managed growth per student.
    /// </summary>
    private static async Task<IdleStudentBytes> IdleStudentsOnFreshSiloAsync(
        EmbeddedKafkaBroker broker, EventProducer producer, ThroughputOptions o)
    {
        const string topic = "idle";
        broker.CreateTopic(topic, o.Partitions);
        var keyed = new SyntheticStream(o.Keys, o.Keys, o.Features, seed: 3);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < keyed.Count; i++) producer.Produce(topic, o.Partitions, keyed, i, now);
        producer.Flush();
        await using var silo = await BenchSilo.StartAsync(broker.BootstrapServers, topic, o, o.Settings);
        await silo.WaitForEventsAsync(keyed.KeyNames, keyed.Count, TimeSpan.FromMinutes(2));
        return await IdleStudentMemory.MeasureAsync(silo, producer, topic, o.Partitions, keyed, o.IdleStudents, o.HoldSeconds, o.IdleEvents);
    }

    /// <summary>
    /// A short end-to-end pass on its own topic and silo first, so the measured silo runs warm code (tiered JIT), as a
    /// long-running silo does; its numbers are not reported.
    /// </summary>
    private static async Task WarmUpAsync(EmbeddedKafkaBroker broker, EventProducer producer, ThroughputOptions o)
    {
        const string warmTopic = "warmup";
        broker.CreateTopic(warmTopic, o.Partitions);
        var warm = new SyntheticStream(Math.Min(o.Events, 50_000), o.Keys, o.Features, seed: 5);
        for (int i = 0; i < warm.KeyNames.Length; i++) warm.KeyNames[i] = "warm-" + warm.KeyNames[i];
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < warm.Count; i++) producer.Produce(warmTopic, o.Partitions, warm, i, now);
        producer.Flush();
        await using var silo = await BenchSilo.StartAsync(broker.BootstrapServers, warmTopic, o, o.Settings);
        await silo.WaitForEventsAsync(warm.KeyNames, warm.Count, TimeSpan.FromMinutes(5));
        Console.WriteLine($"  warm-up pass: {warm.Count} events end to end on topic '{warmTopic}'");
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    internal static double CpuSeconds()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Produces at <paramref name="rate"/> events/s for the configured seconds, stamping each with its send time.</summary>
    private static async Task<(double Rate, int Samples, double P50, double P99)> MeasureLatencyAsync(BenchSilo silo, EventProducer producer,
        string topic, SyntheticStream stream, ThroughputOptions o, double rate)
    {
        // At most ~15k events per partition: the mock broker keeps only about 5 MB per partition.
        int total = (int)Math.Max(o.Keys, Math.Min(rate * o.LatencySeconds, 15_000.0 * o.Partitions));
        var events = new SyntheticStream(total, o.Keys, o.Features, seed: 9);
        long before = await silo.EventsSeenAsync(stream.KeyNames);
        using var latencies = new LatencyRecorder();
        long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        double behind = 0;
        for (int i = 0; i < total; i++)
        {
            // Pace: event i is due at i / rate seconds, and is stamped with that time, not with when this loop got to
            // send it: an outside producer keeps its pace while this process pauses (GC, a busy core), so the time an
            // event spends waiting for the producer belongs to its latency (no coordinated omission).
            double due = i / rate;
            double ahead = due - clock.Elapsed.TotalSeconds;
            if (ahead > 0.002) await Task.Delay(TimeSpan.FromSeconds(ahead));
            else behind = Math.Max(behind, -ahead);
            producer.Produce(topic, o.Partitions, events, i, startMs + (long)(due * 1000));
        }
        producer.Flush();
        Console.WriteLine($"  latency run: {total} events at {rate:N0} ev/s; the producer ran up to {behind * 1000:F0} ms behind its schedule");
        await silo.WaitForEventsAsync(stream.KeyNames, before + total, TimeSpan.FromMinutes(3));
        double achieved = total / Math.Max(clock.Elapsed.TotalSeconds, o.LatencySeconds);
        if (o.LatencyWindowMs > 0) foreach (var line in latencies.Windows(o.LatencyWindowMs)) Console.WriteLine("    " + line);
        return (rate, latencies.Count, latencies.Quantile(0.5), latencies.Quantile(0.99));
    }

    private static void Print(ThroughputResult r)
    {
        Console.WriteLine();
        Console.WriteLine("| measure | value |");
        Console.WriteLine("| --- | --- |");
        void Row(string name, string value) => Console.WriteLine($"| {name} | {value} |");
        Row("rawConsumerEventsPerSecond", $"{r.RawConsumerEventsPerSecond:N0}");
        Row("bareTorchSharpEventsPerSecond", $"{r.BareTorchSharpEventsPerSecond:N0} ({r.BareTorchSharpThreads} threads, {r.BareTorchSharpCpuMicrosPerEvent:F1} us CPU/event)");
        Row("bareBankEventsPerSecond", $"{r.BareBankEventsPerSecond:N0} (one model bank, 1 thread, {r.BareBankCpuMicrosPerEvent:F1} us CPU/event; {r.BareBankEventsPerSecond / r.BareTorchSharpEventsPerSecond:F2}x bare)");
        Row("pyTorchEventsPerSecond", r.PyTorchEventsPerSecond is double t ? $"{t:N0}" : "n/a");
        Row("endToEndEventsPerSecond", $"{r.EndToEndEventsPerSecond:N0}");
        Row("ratioToRawConsumer", $"{r.RatioToRawConsumer:F2} (target >= 0.8)");
        Row("ratioToBareTorchSharp", $"{r.RatioToBareTorchSharp:F2} (target >= 0.7; one learner per key, the baseline as first defined)");
        Row("ratioToBareBank", $"{r.RatioToBareBank:F2} (target >= 0.7 against the math the silo runs: the model bank)");
        Row("ratioToPyTorch", r.RatioToPyTorch is double p ? $"{p:F2} (target >= 2.6)" : "n/a");
        Row("p50LatencyMs / p99LatencyMs", $"{r.P50LatencyMs:F1} / {r.P99LatencyMs:F1} at {r.LatencyRateEventsPerSecond:N0} ev/s (target p99 <= 100)");
        Row("marginalBytesPerStudent", $"{r.MarginalBytesPerStudent:N0} ({r.MarginalManagedBytesPerStudent:N0} managed + {r.MarginalNativeBytesPerStudent:N0} native: the second half of the idle students alone)");
        Row("bytesPerStudent", $"{r.BytesPerStudent:N0} ({r.ManagedBytesPerStudent:N0} managed + {r.NativeBytesPerStudent:N0} native: all idle students' growth, with the process's one-time growth while they arrive; target: not above 26 KB)");
        Row("bytesPerDeactivatedStudent", $"{r.BytesPerDeactivatedStudent:N0} (after Student:IdleDeactivateAfter; state in the in-process memory storage)");
        Row("threadCount", $"{r.ThreadCount}");
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException) { return "unknown CPU"; }
    }
}
