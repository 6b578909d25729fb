using System.Globalization;
using StreamLabel.Bench.Throughput;
using StreamLabel.Grains;
using StreamLabel.Grains.Student;

namespace StreamLabel.Bench.Bank;

/// <summary>
/// `bank`: per-learner steps versus one model bank on the same events, micro-batches and keys, in one run: one
/// OnlineLearner per key on one thread and on one thread per core (the throughput bench's bare baseline), the bank
/// stepping all keys of a round at once, and the bank through its scheduler (one awaited task per key and step).
/// Prints events/s and process CPU µs per event, medians of R rounds, and the bank's ratios to the per-learner runs;
/// last, one TunedLearner per key (reward-tuned arms in one bank each) against the per-learner run on one thread.
/// </summary>
public static class BankCommand
{
    public const string Help = """
        bank options:
          --keys K            students (one per key). Default 16
          --batch B           rows per step and key. Default 32
          --events N          labeled events in all. Default 64000
          --hidden H          MLP hidden width (features F, classes 2). Default 32
          --features F        features per event. Default 8
          --distill-rows D    replayed rows with teacher targets per step (Student:DistillationRowsPerStep). Default 32
          --rounds R          measure each variant R times, report medians. Default 3
          --torch-threads T   torch.set_num_threads; 0 = TorchSharp's default. Default 1
          --memory-students M bytes per student: M OnlineLearners vs M bank slots (0 = skip). Default 2000
        """;

    public static int Run(string[] args)
    {
        int keys = 16, batch = 32, events = 64_000, hidden = 32, features = 8, rounds = 3, torchThreads = 1, memoryStudents = 2000;
        int distillRows = new StudentOptions().DistillationRowsPerStep;
        try
        {
            var a = new BenchArgs(args);
            while (a.MoveNext())
            {
                int Int(int min) => a.Int(min);
                switch (a.Name)
                {
                    case "--keys": keys = Int(1); break;
                    case "--batch": batch = Int(1); break;
                    case "--events": events = Int(1); break;
                    case "--hidden": hidden = Int(1); break;
                    case "--features": features = Int(1); break;
                    case "--distill-rows": distillRows = Int(0); break;
                    case "--rounds": rounds = Int(1); break;
                    case "--torch-threads": torchThreads = Int(0); break;
                    case "--memory-students": memoryStudents = Int(0); break;
                    default: throw a.Unknown();
                }
            }
            if (events < keys) throw new ArgumentException($"--events ({events}) must be at least --keys ({keys})");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"bank: {e.Message}\n{Help}");
            return 2;
        }

        BenchTorch.Threads = torchThreads;
        if (torchThreads > 0) TorchSharp.torch.set_num_threads(torchThreads);
        var spec = new ModelSpec(features, SyntheticStream.Classes, [hidden]);
        var stream = new SyntheticStream(events, keys, features);
        int cores = Math.Min(Environment.ProcessorCount, keys);
        Console.WriteLine($"bank: {events} events, {keys} keys, batch {batch}, {distillRows} distillation rows per step, MLP {features}-{hidden}-2, " +
            $"{Environment.ProcessorCount} cores, torch threads {torchThreads}, load average {LoadAverage()}");

        var variants = new (string Name, Func<bool, (double Rate, double Cpu)> Measure)[]
        {
            ("per-learner, 1 thread", warm => BareLearnerBaseline.EventsPerSecond(stream, spec, batch, distillRows, 1, warm)),
            ($"per-learner, {cores} threads", warm => BareLearnerBaseline.EventsPerSecond(stream, spec, batch, distillRows, cores, warm)),
            ("bank, 1 thread", warm => BareBankBaseline.EventsPerSecond(stream, spec, batch, distillRows, warm)),
            ("bank via scheduler", warm => BareBankBaseline.EventsPerSecond(stream, spec, batch, distillRows, warm, scheduler: true)),
            ($"tuned ({new Learning.Tuning.TuningOptions().Arms.Count} arms), 1 thread", warm => TunedBaseline.EventsPerSecond(stream, spec, batch, distillRows, warm)),
        };
        var results = variants.Select(_ => new List<(double Rate, double Cpu)>()).ToArray();
        for (int round = 0; round < rounds; round++)
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
        Console.WriteLine($"bank / per-learner (1 thread): {medians[2].Rate / medians[0].Rate:F2}x events/s, {medians[0].Cpu / medians[2].Cpu:F2}x less CPU per event");
        Console.WriteLine($"bank / per-learner ({cores} threads): {medians[2].Rate / medians[1].Rate:F2}x events/s, {medians[1].Cpu / medians[2].Cpu:F2}x less CPU per event");
        Console.WriteLine($"scheduler / bank: {medians[3].Rate / medians[2].Rate:F2}x events/s");
        Console.WriteLine($"tuned / per-learner (1 thread): {medians[4].Cpu / medians[0].Cpu:F2}x CPU per event, {medians[4].Rate / medians[0].Rate:F2}x events/s");
        if (memoryStudents > 0)
        {
            var (learner, slot) = StudentMemory.BytesPerStudent(stream, spec, memoryStudents);
            Console.WriteLine($"bytes per student (learning core only): OnlineLearner {learner:N0}, bank slot {slot:N0} ({learner / slot:F1}x less)");
        }
        return 0;
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
