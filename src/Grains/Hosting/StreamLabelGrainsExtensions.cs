using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Placement;
using Orleans.Streams;
using StreamLabel.Grains.Placement;
using StreamLabel.Grains.Specs;
using StreamLabel.Grains.Student;
using StreamLabel.Grains.Teacher;
using StreamLabel.Grains.Telemetry;
using StreamLabel.Learning.Bank;
using StreamLabel.Streaming.Kafka;

namespace StreamLabel.Grains.Hosting;

public static class StreamLabelGrainsExtensions
{
    /// <summary>Name of the Kafka stream provider the silo registers (AddKafkaStreams) and the grains read options of.</summary>
    public const string KafkaProviderName = "kafka";

    /// <summary>
    /// Registers what the student and teacher grains need: their options (sections Student, Teacher,
    /// Teacher:Placement, Models), the GPU and CPU tier placement filters, spec resolution, the meters, and the start-up check that
    /// Kafka:StreamNamespace is the students' stream namespace.
    /// The Kafka stream provider (AddKafkaStreams) and a grain storage named "models" must be added too; where that is
    /// the in-process memory storage, it keeps the grains' state in Orleans' binary format (<see cref="InProcessStateFormat"/>).
    /// </summary>
    public static ISiloBuilder AddStreamLabelGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<StudentOptions>().Bind(configuration.GetSection(StudentOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StudentOptions>>(new OptionsProblems<StudentOptions>(o => o.Problems()));
        services.AddOptions<TeacherOptions>().Bind(configuration.GetSection(TeacherOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeacherOptions>>(new OptionsProblems<TeacherOptions>(o => o.Problems()));
        services.AddOptions<TeacherPlacementOptions>().Bind(configuration.GetSection(TeacherPlacementOptions.Section));
        // Bound through the spec's field table (not the configuration binder), so every spec field is configurable.
        services.AddOptions<ModelSpecOptions>().Configure(o => o.Patterns = ModelSpecOptions.Read(configuration).Patterns).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelSpecOptions>>(new OptionsProblems<ModelSpecOptions>(o => o.Problems()));
        services.AddSingleton<ModelSpecResolver>();
        services.AddSingleton<StreamLabelMetrics>();
        InProcessStateFormat.UseBinaryFor(services, "models");
        services.AddSingleton<IValidateOptions<KafkaStreamOptions>, StudentStreamNamespaceValidator>();
        services.AddOptions<KafkaStreamOptions>(KafkaProviderName).ValidateOnStart();
        // The silo's model bank workers (disposed with the silo): students of one shape on a worker step together.
        services.AddSingleton(sp =>
        {
            int workers = sp.GetRequiredService<IOptions<StudentOptions>>().Value.BankWorkers;
            return new BankSchedulerSet(workers > 0 ? workers : BankSchedulerSet.DefaultWorkers(Environment.ProcessorCount));
        });
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, TorchThreadsSetup>();
        services.AddSingleton<StreamLabel.Grains.Cluster.StudentTally>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StreamLabel.Grains.Cluster.StudentTallyReporter>();
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<StudentOptions>>((collection, student) =>
            collection.ClassSpecificCollectionAge[typeof(StudentGrain).FullName!] = student.Value.IdleDeactivateAfter);
        services.AddPlacementFilter<AcceleratorPlacementStrategy, AcceleratorPlacementDirector>(ServiceLifetime.Singleton);
        services.AddPlacementFilter<CpuSiloPlacementStrategy, CpuSiloPlacementDirector>(ServiceLifetime.Singleton);
        // The Kafka provider's partitions are read by CPU-tier silos only (the runtime asks for the provider's keyed
        // balancer first, so this replaces Orleans' consistent-ring default whichever was registered first).
        services.AddKeyedSingleton<IStreamQueueBalancer>(KafkaProviderName, (sp, name) => CpuTierQueueBalancer.Create(sp, (string)name!));
        return silo;
    }
}
