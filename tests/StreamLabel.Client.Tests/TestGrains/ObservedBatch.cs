namespace StreamLabel.Client.Tests.TestGrains;

/// <summary>Events of one key as read from Kafka by <see cref="Infrastructure.KafkaPump"/>: features, training label, clean label.</summary>
[GenerateSerializer, Alias("streamlabel.tests.observed-batch")]
public sealed record ObservedBatch(
    [property: Id(0)] float[][] Features,
    [property: Id(1)] string?[] Labels,
    [property: Id(2)] string?[] CleanLabels,
    [property: Id(3)] string Topic,
    [property: Id(4)] int Partition,
    [property: Id(5)] long LastOffset);

/// <summary>Test-only way in for events, until the lead's Kafka stream provider feeds the real StudentGrain.</summary>
public interface ITestStudentFeed : IGrainWithStringKey
{
    Task ObserveAsync(ObservedBatch batch);
}
