using System.Text;
using System.Text.Json;
using StreamLabel.Grains.Student;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Grains.Tests;

/// <summary>The predictions topic record: keyed like the event, camelCase JSON with where the event came from.</summary>
public sealed class PredictionPublisherTests
{
    [Fact]
    public async Task A_prediction_is_published_keyed_like_its_event()
    {
        var sent = new List<(string Topic, byte[] Key, byte[] Value)>();
        var publisher = new PredictionPublisher("predictions", (t, k, v) => { sent.Add((t, k, v)); return Task.CompletedTask; });
        var e = new StreamEvent("events", 3, 42, -1, "elec2", "row-7", [1f, 2f], null, null, null, []);

        await publisher.PublishAsync(e, [0.25f, 0.75f], "UP", modelVersion: 1L + int.MaxValue, teacherVersion: 4);

        var (topic, key, value) = Assert.Single(sent);
        Assert.Equal(("predictions", "elec2"), (topic, Encoding.UTF8.GetString(key)));
        var json = JsonDocument.Parse(value).RootElement;
        Assert.Equal("elec2", json.GetProperty("key").GetString());
        Assert.Equal("row-7", json.GetProperty("id").GetString());
        Assert.Equal(("events", 3, 42L), (json.GetProperty("topic").GetString(), json.GetProperty("partition").GetInt32(), json.GetProperty("offset").GetInt64()));
        Assert.Equal([0.25f, 0.75f], json.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()));
        Assert.Equal("UP", json.GetProperty("predictedClass").GetString());
        Assert.Equal(int.MaxValue, json.GetProperty("modelVersion").GetInt32()); // clamped, not wrapped
        Assert.Equal(4, json.GetProperty("teacherVersion").GetInt32());
    }
}
