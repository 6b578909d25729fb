using System.Globalization;
using StreamLabel.Reliability.Tests.Cluster;
using Xunit.Abstractions;

namespace StreamLabel.Reliability.Tests.Support;

/// <summary>
/// Each figure goes to the test output and to artifacts/reliability/results.md (appended, one section per test run),
/// which the lead quotes.
/// </summary>
internal sealed class ReliabilityResults(ITestOutputHelper output, string scenario)
{
    private static readonly object Gate = new();
    private static readonly string FilePath = Path.Combine(LocalCluster.RepoRoot, "artifacts", "reliability", "results.md");
    private static bool _headerWritten;

    public void Figure(string name, object value, string? unit = null)
    {
        string text = value switch
        {
            double d => d.ToString("0.###", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
        string line = $"| {scenario} | {name} | {text}{(unit is null ? "" : " " + unit)} |";
        output.WriteLine($"{scenario}: {name} = {text}{(unit is null ? "" : " " + unit)}");
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            if (!_headerWritten)
            {
                File.AppendAllText(FilePath, $"\n## Reliability run {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC ({Environment.ProcessorCount} cores)\n\n| scenario | figure | value |\n| --- | --- | --- |\n");
                _headerWritten = true;
            }
            File.AppendAllText(FilePath, line + "\n");
        }
    }

    public void Note(string text) => output.WriteLine($"{scenario}: {text}");
}
