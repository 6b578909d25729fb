using System.Text.Json;

namespace StreamLabel.Grains;

/// <summary>
/// The Orleans wire form of <see cref="ModelSpec"/>, which lives in an Orleans-free project: the spec's JSON (its
/// stable field and choice names), so a field added to the spec travels without a line here. Specs cross the wire
/// rarely (spec changes, teacher forwards every few seconds), so the text form costs nothing that matters.
/// </summary>
[GenerateSerializer, Immutable, Alias("streamlabel.model-spec.v2")]
public readonly record struct ModelSpecSurrogate([property: Id(0)] string Json);

/// <summary>Converts <see cref="ModelSpec"/> to and from its wire form.</summary>
[RegisterConverter]
public sealed class ModelSpecConverter : IConverter<ModelSpec, ModelSpecSurrogate>
{
    public ModelSpec ConvertFromSurrogate(in ModelSpecSurrogate surrogate) =>
        JsonSerializer.Deserialize<ModelSpec>(surrogate.Json) ?? throw new InvalidOperationException("a null ModelSpec on the wire");

    public ModelSpecSurrogate ConvertToSurrogate(in ModelSpec value) => new(JsonSerializer.Serialize(value));
}
