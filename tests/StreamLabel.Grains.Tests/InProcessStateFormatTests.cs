using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using StreamLabel.Grains.Hosting;
using StreamLabel.Grains.Student;

namespace StreamLabel.Grains.Tests;

/// <summary>The in-process memory storage keeps the grains' state in Orleans' binary format: a model snapshot as its bytes.</summary>
public sealed class InProcessStateFormatTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_memory_storage_named_models_keeps_state_in_the_binary_format_whichever_is_added_first(bool storageFirst)
    {
        using var host = Silo(storageFirst);
        var serializer = host.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get("models").GrainStorageSerializer;

        Assert.IsType<OrleansGrainStorageSerializer>(serializer);
        // Other memory storages keep Orleans' default.
        Assert.IsNotType<OrleansGrainStorageSerializer>(host.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get("PubSubStore").GrainStorageSerializer);
    }

    [Fact]
    public void A_student_state_is_stored_with_its_snapshot_as_bytes_and_reads_back_whole()
    {
        using var host = Silo(storageFirst: true);
        var serializer = host.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get("models").GrainStorageSerializer!;
        var snapshot = new byte[5_000];
        new Random(7).NextBytes(snapshot);
        var state = new StudentState
        {
            Spec = new ModelSpec(8, ["no", "yes"], [32]),
            Snapshot = snapshot,
            AppliedOffsets = new Dictionary<string, long> { ["events/0"] = 41 },
            History = new StudentHistory { CleanScored = 3, CleanCorrect = 2, WarmStartRows = 3_200 },
        };

        var stored = serializer.Serialize(state);
        var read = serializer.Deserialize<StudentState>(stored)!;

        // JSON would hold the snapshot as base64, a third more than its bytes.
        Assert.InRange(stored.ToMemory().Length, snapshot.Length, snapshot.Length + 1_000);
        Assert.Equal(snapshot, read.Snapshot);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(state.Spec), System.Text.Json.JsonSerializer.Serialize(read.Spec)); // the record holds arrays
        Assert.Equal(41, read.AppliedOffsets["events/0"]);
        Assert.Equal(3_200, read.History.WarmStartRows);
    }

    private static IHost Silo(bool storageFirst)
    {
        var configuration = new ConfigurationBuilder().Build();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            if (storageFirst) silo.AddMemoryGrainStorage("models").AddStreamLabelGrains(configuration);
            else silo.AddStreamLabelGrains(configuration).AddMemoryGrainStorage("models");
            silo.AddMemoryGrainStorage("PubSubStore");
        });
        return builder.Build();
    }
}
