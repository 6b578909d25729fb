using Microsoft.Extensions.Configuration;
using StreamLabel.Grains.Hosting;
using StreamLabel.Grains.Student;
using StreamLabel.Streaming.Kafka;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>The students' stream namespace is a constant of their implicit subscription: the option must agree with it.</summary>
public sealed class StudentStreamNamespaceTests
{
    [Fact]
    public async Task A_silo_whose_Kafka_stream_namespace_is_not_the_students_does_not_start_and_names_both()
    {
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedBrokerOptions { Partitions = 1, Topics = ["events"] });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:StreamNamespace"] = "other",
        }).Build();
        var builder = KafkaTestCluster.CreateBuilder(1, broker, redis: null, o => configuration.GetSection(KafkaStreamOptions.Section).Bind(o),
            silo => silo.AddMemoryGrainStorage("models").AddStreamLabelGrains(configuration));
        await using var cluster = builder.Build();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Kafka:StreamNamespace is 'other'", e.ToString());
        Assert.Contains($"stream namespace '{StudentGrain.StreamNamespace}' (StudentGrain.StreamNamespace", e.ToString());
    }
}
