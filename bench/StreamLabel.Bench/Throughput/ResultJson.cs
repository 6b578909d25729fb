using System.Text.Json;

namespace StreamLabel.Bench.Throughput;

/// <summary>How the throughput benches write their result files: camelCase, indented (one options instance, reused).</summary>
internal static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
