using Microsoft.Extensions.Options;
using StreamLabel.Grains.Hosting;
using StreamLabel.Streaming.Kafka;

namespace StreamLabel.Grains.Student;

/// <summary>
/// Stops the silo at start when Kafka:StreamNamespace is not the namespace <see cref="StudentGrain"/> subscribes to:
/// [ImplicitStreamSubscription] takes a constant, so a changed option would otherwise leave every student without events.
/// </summary>
internal sealed class StudentStreamNamespaceValidator : IValidateOptions<KafkaStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaStreamOptions options) =>
        name != StreamLabelGrainsExtensions.KafkaProviderName || options.StreamNamespace == StudentGrain.StreamNamespace
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Kafka:StreamNamespace is '{options.StreamNamespace}', but the student grain subscribes to stream namespace " +
                $"'{StudentGrain.StreamNamespace}' (StudentGrain.StreamNamespace, a constant of its [ImplicitStreamSubscription]), " +
                $"so no student would receive events: leave Kafka:StreamNamespace unset or set it to '{StudentGrain.StreamNamespace}'");
}
