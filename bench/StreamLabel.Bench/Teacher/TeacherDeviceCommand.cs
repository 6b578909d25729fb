using System.Text.Json;
using System.Text.Json.Nodes;
using StreamLabel.Datasets;
using StreamLabel.Grains;
using StreamLabel.Grains.Student;
using StreamLabel.Learning;

namespace StreamLabel.Bench.Teacher;

/// <summary>
/// `teacher-device`: the teacher grain's learner (the ensemble or ReplayTeacher, its default spec) on each requested device over the
/// same noisy stream with the same seed. Prints the device TorchSharp actually used, learning and soft-target-pull
/// rates, and how far each device's soft targets and predictions are from the first device's. The check for the GPU
/// tier: with --require-cuda it fails unless CUDA ran and agreed with the CPU.
/// </summary>
public static class TeacherDeviceCommand
{
    // float32 on another device sums in another order: equal within rounding after one step; the runs drift apart
    // slowly after that (every step feeds back), so the end is compared by accuracy, not by value.
    private const double FirstStepTolerance = 1e-4;
    private const double AccuracyTolerance = 0.02;

    public static int Run(TeacherDeviceSettings s)
    {
        string path = File.Exists(s.Data) ? s.Data : Path.Combine(AppContext.BaseDirectory, "data", Path.GetFileName(s.Data));
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"teacher-device: --data: no file '{s.Data}'");
            return 2;
        }
        if (s.TorchThreads > 0) TorchSharp.torch.set_num_threads(s.TorchThreads);
        var stream = NoisyStream.Create(CsvDatasetReader.Read(path), s.Noise, seed: 1);
        var data = stream.Data;
        var model = new ModelSpec(data.FeatureCount, data.Classes.ToArray(), [32]);
        var spec = ReplayTeacher.DefaultSpecFor(LearnerSpecs.ForStudent(model, "default")) with { HiddenLayers = s.Hidden };
        string teacher = s.Teacher == "ensemble"
            ? $"ensemble teacher ({new Learning.Teacher.TeacherOptions().Members} members, MLP {data.FeatureCount}-{string.Join('-', s.Hidden)}-{data.ClassCount}), steps of {s.Batch}"
            : $"replay teacher (MLP {data.FeatureCount}-{string.Join('-', s.Hidden)}-{data.ClassCount}), steps of {s.Batch} + {s.ReplayBatches} replayed";
        Console.WriteLine($"teacher-device: {data.Name}, {Math.Min(s.Events, data.Count)} events, noise {s.Noise}, {teacher}, a pull of {s.PullRows} rows every {s.PullEveryBatches} steps; " +
            $"torch.cuda.is_available() = {TorchSharp.torch.cuda.is_available()}, torch threads {TorchSharp.torch.get_num_threads()}");

        var runs = new List<TeacherDeviceRun>();
        foreach (var device in s.Devices)
        {
            Warm(stream, spec, s, device);
            var run = TeacherDeviceRun.Measure(stream, spec, s, device);
            runs.Add(run);
            Console.WriteLine($"  {device,-5} -> ran on {run.Used,-5} {run.EventsPerSecond,10:N0} events/s learned  {run.PullsPerSecond,8:N0} pulls/s  " +
                $"accuracy {run.Accuracy:P2} (vs truth)");
        }
        var reference = runs[0];
        var rows = runs.Select(r => new
        {
            r.Requested, r.Used, r.EventsPerSecond, r.PullsPerSecond, r.Accuracy,
            SpeedupVsReference = r.EventsPerSecond / reference.EventsPerSecond,
            FirstStepMaxAbsDiff = TeacherDeviceRun.MaxAbsDifference(r.FirstStepProbe, reference.FirstStepProbe),
            FinalMaxAbsDiff = TeacherDeviceRun.MaxAbsDifference(r.FinalProbe, reference.FinalProbe),
            PredictionAgreement = TeacherDeviceRun.Agreement(r.Predicted, reference.Predicted),
        }).ToArray();
        Console.WriteLine();
        Console.WriteLine($"| device (ran on) | events/s | pulls/s | x {reference.Used} | accuracy | first-step max |Δp| | final max |Δp| | same prediction |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Requested} ({r.Used}) | {r.EventsPerSecond:N0} | {r.PullsPerSecond:N0} | {r.SpeedupVsReference:F2} | {r.Accuracy:P2} | " +
                $"{r.FirstStepMaxAbsDiff:0.0E+0} | {r.FinalMaxAbsDiff:0.0E+0} | {r.PredictionAgreement:P2} |");

        var failures = new List<string>();
        if (s.RequireCuda)
        {
            var cuda = rows.FirstOrDefault(r => r.Used == "cuda");
            if (cuda is null) failures.Add("no run used CUDA (TorchSharp did not see a GPU)");
            else if (reference.Used != "cpu") failures.Add("the first device must be cpu to compare CUDA against");
            else
            {
                if (!(cuda.FirstStepMaxAbsDiff <= FirstStepTolerance))
                    failures.Add($"soft targets after the first step differ from the CPU's by {cuda.FirstStepMaxAbsDiff:E2} (> {FirstStepTolerance:E0})");
                if (!(Math.Abs(cuda.Accuracy - reference.Accuracy) <= AccuracyTolerance))
                    failures.Add($"accuracy {cuda.Accuracy:P2} vs {reference.Accuracy:P2} on the CPU (> {AccuracyTolerance:P0} apart)");
            }
        }
        if (s.Json is not null)
        {
            var json = new JsonObject
            {
                ["command"] = "teacher-device",
                ["settings"] = JsonSerializer.SerializeToNode(s),
                ["runs"] = JsonSerializer.SerializeToNode(rows),
                ["failures"] = JsonSerializer.SerializeToNode(failures),
            };
            File.WriteAllText(s.Json, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"json: {s.Json}");
        }
        foreach (var f in failures) Console.Error.WriteLine($"teacher-device: FAILED: {f}");
        if (s.RequireCuda && failures.Count == 0) Console.WriteLine("teacher-device: CUDA teacher OK");
        return failures.Count == 0 ? 0 : 1;
    }

    // The first use of a device pays for its start (CUDA context, cuBLAS handles): keep it out of the measured run.
    private static void Warm(NoisyStream stream, LearnerSpec spec, TeacherDeviceSettings s, string device) =>
        TeacherDeviceRun.Measure(stream, spec, s with { Events = Math.Min(s.Events, 32 * s.Batch), ProbeRows = 1 }, device);
}
