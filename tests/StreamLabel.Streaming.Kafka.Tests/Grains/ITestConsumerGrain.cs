namespace StreamLabel.Streaming.Kafka.Tests.Grains;

public interface ITestConsumerGrain : IGrainWithStringKey
{
    Task<ConsumerSnapshot> GetSnapshotAsync();
}
