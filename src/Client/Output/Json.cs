using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamLabel.Client.Output;

/// <summary>The one JSON style of `--json` and /api: camelCase, enums as strings, nulls kept so fields are always present.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = Create(indented: true);
    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented)
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return o;
    }

    public static void Write<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, Options));
}
