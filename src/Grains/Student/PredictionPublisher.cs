using System.Text;
using System.Text.Json;
using StreamLabel.Streaming.Kafka.Events;

namespace StreamLabel.Grains.Student;

/// <summary>Writes the prediction of an unlabeled event to the predictions topic (Student:PredictionsTopic), keyed like
/// the event, as a <see cref="PredictionRecord"/> in JSON.</summary>
internal sealed class PredictionPublisher(string topic, Func<string, byte[], byte[], Task> publish)
{
    /// <summary>Completes when the broker acknowledged the record.</summary>
    public Task PublishAsync(StreamEvent e, ReadOnlySpan<float> probabilities, string predictedClass, long modelVersion, int? teacherVersion)
    {
        var value = JsonSerializer.SerializeToUtf8Bytes(new PredictionRecord(
            e.Key, e.Id, e.Topic, e.Partition, e.Offset, probabilities.ToArray(), predictedClass,
            (int)Math.Min(int.MaxValue, modelVersion), teacherVersion), PredictionRecordJson.Default.PredictionRecord);
        return publish(topic, Encoding.UTF8.GetBytes(e.Key), value);
    }
}
