using System.Text.Json;
using StreamLabel.Bench.Throughput;
using StreamLabel.Grains;

namespace StreamLabel.Bench.Bank;

/// <summary>
/// `bank`: per-learner steps versus one model bank on the same events, micro-batches and keys, in one run: one
/// OnlineLearner per key on one thread and on one thread per core (the throughput bench's bare baseline), the bank
/// stepping all keys of a round at once, and the bank through its scheduler (one awaited task per key and step).
/// Prints events/s and process CPU µs per event, medians of R rounds, and the bank's ratios to the per-learner runs;
/// last, one TunedLearner per key (reward-tuned arms in one bank each) against the per-learner run on one thread.
/// `--bank-only` measures the bank on one thread alone; `--workers 1,2` adds the bank through a scheduler set of each
/// worker count (keys awaiting their own steps, as grains do); `--json` writes every round and the medians.
/// </summary>
public static class BankCommand
{
    public static int Run(BankOptions o)
    {
        BenchTorch.Threads = o.TorchThreads;
        if (o.TorchThreads > 0) TorchSharp.torch.set_num_threads(o.TorchThreads);
        var spec = new ModelSpec(o.Features, SyntheticStream.Classes, [o.Hidden]);
        var stream = new SyntheticStream(o.Events, o.Keys, o.Features);
        int cores = Math.Min(Environment.ProcessorCount, o.Keys);
        string loadAtStart = LoadAverage();
        Console.WriteLine($"bank: {o.Events} events, {o.Keys} keys, batch {o.Batch}, {o.DistillRows} distillation rows per step, MLP {o.Features}-{o.Hidden}-2, " +
            $"{Environment.ProcessorCount} cores, torch threads {o.TorchThreads}, load average {loadAtStart}");

        (string Name, Func<bool, (double Rate, double Cpu)> Measure) bank =
            ("bank, 1 thread", warm => BareBankBaseline.EventsPerSecond(stream, spec, o.Batch, o.DistillRows, warm));
        var variants = o.BankOnly ? [bank] : new (string Name, Func<bool, (double Rate, double Cpu)> Measure)[]
        {
            ("per-learner, 1 thread", warm => BareLearnerBaseline.EventsPerSecond(stream, spec, o.Batch, o.DistillRows, 1, warm)),
            ($"per-learner, {cores} threads", warm => BareLearnerBaseline.EventsPerSecond(stream, spec, o.Batch, o.DistillRows, cores, warm)),
            bank,
            ("bank via scheduler", warm => BareBankBaseline.EventsPerSecond(stream, spec, o.Batch, o.DistillRows, warm, scheduler: true)),
            ($"tuned ({new Learning.Tuning.TuningOptions().Arms.Count} arms), 1 thread", warm => TunedBaseline.EventsPerSecond(stream, spec, o.Batch, o.DistillRows, warm)),
        };
        // Worker variants last, so the indexes of the ratios below stay.
        var perBankStep = new Dictionary<string, List<double>>();
        variants = [.. variants, .. o.Workers.Select(w => ($"scheduler set, {w} worker(s)", (Func<bool, (double Rate, double Cpu)>)(warm =>
        {
            var (rate, cpu, per) = WorkerScaling.Measure(stream, spec, o.Batch, o.DistillRows, w, warm);
            (perBankStep.TryGetValue($"{w}", out var list) ? list : perBankStep[$"{w}"] = []).Add(per);
            Console.WriteLine($"    {w} worker(s): {per:F1} students per bank step");
            return (rate, cpu);
        })))];
        var results = variants.Select(_ => new List<(double Rate, double Cpu)>()).ToArray();
        for (int round = 0; round < o.Rounds; round++)
            for (int v = 0; v < variants.Length; v++)
            {
                results[v].Add(variants[v].Measure(round == 0));
                Console.WriteLine($"  round {round + 1}: {variants[v].Name,-24} {results[v][^1].Rate,10:N0} ev/s  {results[v][^1].Cpu,6:F1} us CPU/event");
            }

        Console.WriteLine();
        Console.WriteLine("| variant | events/s | us/event (wall) | CPU us/event |");
        Console.WriteLine("| --- | --- | --- | --- |");
        var medians = results.Select(r => (Rate: Median(r.Select(x => x.Rate)), Cpu: Median(r.Select(x => x.Cpu)))).ToArray();
        for (int v = 0; v < variants.Length; v++)
            Console.WriteLine($"| {variants[v].Name} | {medians[v].Rate:N0} | {1e6 / medians[v].Rate:F2} | {medians[v].Cpu:F2} |");
        Console.WriteLine();
        if (o.Json is { } json) WriteJson(json, o, loadAtStart, variants.Select(v => v.Name).ToArray(), results, medians);
        if (o.BankOnly) return 0;
        Console.WriteLine($"bank / per-learner (1 thread): {medians[2].Rate / medians[0].Rate:F2}x events/s, {medians[0].Cpu / medians[2].Cpu:F2}x less CPU per event");
        Console.WriteLine($"bank / per-learner ({cores} threads): {medians[2].Rate / medians[1].Rate:F2}x events/s, {medians[1].Cpu / medians[2].Cpu:F2}x less CPU per event");
        Console.WriteLine($"scheduler / bank: {medians[3].Rate / medians[2].Rate:F2}x events/s");
        Console.WriteLine($"tuned / per-learner (1 thread): {medians[4].Cpu / medians[0].Cpu:F2}x CPU per event, {medians[4].Rate / medians[0].Rate:F2}x events/s");
        if (o.MemoryStudents > 0)
        {
            var (learner, slot) = StudentMemory.BytesPerStudent(stream, spec, o.MemoryStudents);
            Console.WriteLine($"bytes per student (learning core only): OnlineLearner {learner:N0}, bank slot {slot:N0} ({learner / slot:F1}x less)");
        }
        return 0;
    }

    private static void WriteJson(string path, BankOptions o, string loadAtStart, string[] names, List<(double Rate, double Cpu)>[] results,
        (double Rate, double Cpu)[] medians)
    {
        var variants = names.Select((name, v) => new
        {
            name,
            eventsPerSecond = medians[v].Rate,
            cpuMicrosPerEvent = medians[v].Cpu,
            rounds = results[v].Select(r => new { eventsPerSecond = r.Rate, cpuMicrosPerEvent = r.Cpu }).ToArray(),
        });
        var document = new { options = o, loadAverageAtStart = loadAtStart, loadAverageAtEnd = LoadAverage(), variants };
        File.WriteAllText(path, JsonSerializer.Serialize(document, ResultJson.Options));
        Console.WriteLine($"json: {path}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
