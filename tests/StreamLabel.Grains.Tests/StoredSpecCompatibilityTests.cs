using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using StreamLabel.Grains.Student;
using StreamLabel.Specs;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// Specs written before the spec moved to StreamLabel.Specs and took enums still load: grain state in JSON storage
/// (Fixtures/student-state-before-spec-enums.json was written by that version's storage serializer) and the client's
/// JSON (`--json`, `spec set --file`). New specs keep the stable names.
/// </summary>
public sealed class StoredSpecCompatibilityTests : IDisposable
{
    private readonly ServiceProvider _services;

    public StoredSpecCompatibilityTests()
    {
        var services = new ServiceCollection();
        services.AddSerializer();
        services.AddOptions<OrleansJsonSerializerOptions>();
        services.AddSingleton<OrleansJsonSerializer>();
        services.AddSingleton<JsonGrainStorageSerializer>();
        _services = services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private JsonGrainStorageSerializer Storage => _services.GetRequiredService<JsonGrainStorageSerializer>();

    [Fact]
    public void Student_state_stored_by_the_previous_version_loads()
    {
        var stored = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "student-state-before-spec-enums.json"));
        Assert.Contains("\"StreamLabel.Grains.ModelSpec, StreamLabel.Grains.Abstractions\"", stored);
        var spec = Storage.Deserialize<StudentState>(BinaryData.FromString(stored))!.Spec;
        Assert.NotNull(spec);
        Assert.Equal(8, spec.FeatureCount);
        Assert.Equal(["DOWN", "UP"], spec.Classes);
        Assert.Equal([32], spec.HiddenLayers);
        Assert.Equal(OptimizerKind.Adam, spec.Optimizer);
        Assert.Equal(DriftDetectorKind.PageHinkley, spec.DriftDetector);
        Assert.Equal(SmoothingConvention.Uniform, spec.SmoothingConvention);
        Assert.Equal(3, spec.Version);
        Assert.Equal("default", spec.TeacherGroup);
        Assert.False(spec.LaggedLabels); // absent then: the default
        Assert.Equal(2, spec.DriftBoost);
    }

    [Fact]
    public void Student_state_written_now_reads_back()
    {
        var spec = Elec2.Spec(8) with { Optimizer = OptimizerKind.Sgd, LaggedLabels = true, DriftChallengerEvents = 300, Version = 4 };
        var back = Storage.Deserialize<StudentState>(Storage.Serialize(new StudentState { Spec = spec }))!.Spec!;
        Assert.Equal(spec with { Classes = back.Classes, HiddenLayers = back.HiddenLayers }, back);
        Assert.Equal(spec.Classes, back.Classes);
    }

    [Fact]
    public void The_wire_form_carries_every_field()
    {
        var spec = Elec2.Spec(8, teacherGroup: null) with
        {
            DriftDetector = DriftDetectorKind.None, SmoothingConvention = SmoothingConvention.Others, LaggedLabels = true, Version = 7,
        };
        var serializer = _services.GetRequiredService<Serializer>();
        var back = serializer.Deserialize<ModelSpec>(serializer.SerializeToArray(spec))!;
        Assert.Equal(spec with { Classes = back.Classes, HiddenLayers = back.HiddenLayers }, back);
        Assert.Equal(spec.HiddenLayers, back.HiddenLayers);
    }

    [Fact]
    public void Client_json_keeps_its_names_and_reads_the_previous_form()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        // As the previous version's `spec show --json` wrote it.
        const string previous = """
            {"featureCount":8,"classes":["DOWN","UP"],"hiddenLayers":[32],"optimizer":"sgd","learningRate":0.01,"smoothing":0.05,
             "smoothingConvention":"others","selfCorrection":false,"driftDetector":"page-hinkley","distillationWeight":0.3,
             "temperature":2,"teacherGroup":null,"version":2}
            """;
        var spec = JsonSerializer.Deserialize<ModelSpec>(previous, web)!;
        Assert.Equal((OptimizerKind.Sgd, SmoothingConvention.Others, DriftDetectorKind.PageHinkley), (spec.Optimizer, spec.SmoothingConvention, spec.DriftDetector));
        Assert.Equal((8, 0.01, false, (string?)null, 2), (spec.FeatureCount, spec.LearningRate, spec.SelfCorrection, spec.TeacherGroup, spec.Version));

        var written = JsonDocument.Parse(JsonSerializer.Serialize(spec, web)).RootElement;
        foreach (var old in JsonDocument.Parse(previous).RootElement.EnumerateObject())
            Assert.Equal(old.Value.ToString(), written.GetProperty(old.Name).ToString());
        Assert.False(written.GetProperty("laggedLabels").GetBoolean());
    }
}
