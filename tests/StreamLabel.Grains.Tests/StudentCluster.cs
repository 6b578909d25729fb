using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using StackExchange.Redis;
using StreamLabel.Grains.Hosting;
using StreamLabel.Streaming.Kafka.Embedded;
using StreamLabel.Testing;

namespace StreamLabel.Grains.Tests;

/// <summary>
/// An in-process cluster of the real grains reading the embedded broker: model state in a real redis-server, and
/// optionally one silo (the last) tagged accelerator=gpu. Settings are the silo's configuration keys;
/// <c>configureSilo</c> runs after the grains are added (e.g. to replace a service with one that fails on purpose);
/// <c>configureKafka</c> after the Kafka defaults below.
/// </summary>
internal static class StudentCluster
{
    public const string Topic = "events";
    public const string DeadLetters = "dead-letters";
    public const string Predictions = "predictions";

    public static async Task<InProcessTestCluster> StartAsync(short silos, EmbeddedKafkaBroker broker, RedisServer redis,
        bool gpuSilo, IDictionary<string, string?>? settings = null, Action<ISiloBuilder>? configureSilo = null, string? gpuSiloName = null,
        Action<StreamLabel.Streaming.Kafka.KafkaStreamOptions>? configureKafka = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Student:PredictionsTopic"] = Predictions,
            ["Student:PersistInterval"] = "00:00:00.500",
            ["Student:TeacherPullInterval"] = "00:00:00.500",
            ["Teacher:WarmupSamples"] = "200",
            // These clusters test the distillation path, not whether a young teacher has proven itself (TeacherGateTests).
            ["Student:TeacherGate"] = "always",
        }.Concat(settings ?? new Dictionary<string, string?>()).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value)).Build();

        gpuSiloName ??= $"Silo_{silos - 1}"; // another name: a silo started later (StartAdditionalSiloAsync) is the GPU one
        var builder = KafkaTestCluster.CreateBuilder(silos, broker, redis: null, o =>
        {
            o.Topics = [Topic];
            o.DeadLetterTopic = DeadLetters;
            o.DurabilityPollInterval = TimeSpan.FromMilliseconds(300);
            o.RedeliverAfter = TimeSpan.FromSeconds(10);
            o.FetchWaitMax = EmbeddedKafkaBroker.ConsumerFetchWait; // as the silo sets it for the embedded broker
            configureKafka?.Invoke(o);
        }, silo =>
        {
            silo.AddRedisGrainStorage("models", o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis.ConnectionString));
            silo.AddStreamLabelGrains(configuration);
            configureSilo?.Invoke(silo);
        });
        builder.ConfigureSilo((options, silo) => silo.UseSiloMetadata(new Dictionary<string, string>
        {
            ["accelerator"] = gpuSilo && options.SiloName == gpuSiloName ? "gpu" : "cpu",
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
