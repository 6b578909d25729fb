using System.Diagnostics;
using System.Text.Json;

namespace StreamLabel.Bench.Throughput;

/// <summary>Runs pytorch_reference.py through Debian's /usr/bin/python3 on the same events and micro-batches.</summary>
public static class PyTorchReference
{
    public const string Python = "/usr/bin/python3";
    private const string Missing = "Debian's python3-torch is not installed, so the PyTorch reference is skipped and the run goes on without it " +
        "(install it with: sudo apt-get install -y python3-torch; or pass --no-pytorch)";

    /// <summary>Says at the start of a run, not after the measures, when the reference cannot run.</summary>
    public static void CheckInstalled()
    {
        if (!File.Exists(Python)) { Console.WriteLine($"  NOTE: {Python} not found: {Missing}"); return; }
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-c", "import torch"]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Console.WriteLine($"  NOTE: {Missing}");
    }

    /// <summary>Events per second, or null (with the reason printed) when python3-torch is not present.</summary>
    public static double? EventsPerSecond(SyntheticStream stream, int keys, int batch, int hidden, int distillRows, int threads)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Throughput", "pytorch_reference.py");
        if (!File.Exists(Python)) return Skip($"{Python} not found; {Missing}");
        string data = Path.Combine(Path.GetTempPath(), $"streamlabel-bench-{Environment.ProcessId}.bin");
        try
        {
            using (var w = new BinaryWriter(File.Create(data)))
            {
                foreach (int v in (int[])[stream.Count, stream.FeatureCount, keys, batch, hidden, distillRows, 1]) w.Write(v);
                foreach (float v in stream.Features) w.Write(v);
                foreach (int v in stream.Labels) w.Write(v);
                foreach (int v in stream.KeyOf) w.Write(v);
            }
            var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])[script, data, threads.ToString(System.Globalization.CultureInfo.InvariantCulture)]) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                return Skip(stderr.Contains("No module named 'torch'") || stderr.Contains("No module named 'numpy'") ? Missing : $"exit {p.ExitCode}: {stderr.Trim()}");
            using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            Console.WriteLine($"  PyTorch {json.RootElement.GetProperty("torch").GetString()}, {json.RootElement.GetProperty("threads").GetInt32()} thread(s)");
            return json.RootElement.GetProperty("eventsPerSecond").GetDouble();
        }
        finally
        {
            File.Delete(data);
        }
    }

    private static double? Skip(string why)
    {
        Console.WriteLine($"  PyTorch reference skipped: {why}");
        return null;
    }
}
