using System.Text.Json;
using StreamLabel.Client.Tests.Infrastructure;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Client.Tests;

/// <summary>`streamlabel replay --unlabeled F` sends about that fraction without a label and leaves the others' (noisy) labels as they were.</summary>
public sealed class ReplayUnlabeledTests
{
    private const int Events = 400;

    [Fact]
    public async Task A_fraction_of_events_goes_without_a_label_and_the_noise_draws_are_unchanged()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = ["replay-plain", "replay-unlabeled"] });
        var plain = await ReplayAsync(broker, "replay-plain");
        var partly = await ReplayAsync(broker, "replay-unlabeled", "--unlabeled", "0.25");

        int unlabeled = partly.Count(l => l is null);
        Assert.True(unlabeled is > Events / 8 and < Events * 3 / 8, $"{unlabeled} of {Events} events unlabeled with --unlabeled 0.25");
        Assert.DoesNotContain(null, plain);
        for (int i = 0; i < Events; i++)
            if (partly[i] is { } label) Assert.Equal(plain[i], label); // same seed, same noisy label
    }

    private static async Task<List<string?>> ReplayAsync(EmbeddedKafkaBroker broker, string topic, params string[] extra)
    {
        var run = await CliRunner.RunAsync(["replay", LiveCluster.Dataset, "--label-column", "class", "--events", Events.ToString(),
            "--noise", "0.3", "--seed", "4", "--topic", topic, "--bootstrap", broker.BootstrapServers, "--no-progress", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var records = TopicReader.ReadAll(broker.BootstrapServers, topic, 1, Events, TimeSpan.FromSeconds(30));
        Assert.Equal(Events, records.Count);
        return records.OrderBy(r => r.Offset.Value).Select(r =>
        {
            using var json = JsonDocument.Parse(r.Message.Value);
            return json.RootElement.GetProperty("label").GetString();
        }).ToList();
    }
}
