using StreamLabel.Learning;

namespace StreamLabel.Grains.Teacher;

/// <summary>The replay teacher (one larger learner replaying a buffer of recent rows): the model teacher groups had
/// before the ensemble, kept so their checkpoints and stored state still load.</summary>
internal sealed class ReplayGroupTeacher(ReplayTeacher teacher) : IGroupTeacher
{
    public string Kind => "replay";
    public string Device => teacher.Learner.Device;
    public int FeatureCount => teacher.Learner.Spec.FeatureCount;
    public int ClassCount => teacher.Learner.Spec.ClassCount;
    public long SamplesLearned => teacher.Learner.Counters.EventsLearned;
    public int Version => (int)Math.Min(int.MaxValue, teacher.Learner.Version);

    public (float[] Probabilities, int[] Predicted) PredictThenLearn(float[] features, int rows, int[] labels, double temperature)
    {
        var probabilities = teacher.SoftTargets(features, rows, temperature);
        var predicted = new int[rows];
        for (int r = 0; r < rows; r++)
            for (int c = 1; c < ClassCount; c++)
                if (probabilities[r * ClassCount + c] > probabilities[r * ClassCount + predicted[r]]) predicted[r] = c;
        // Batches of 64, as students' forwards were learned before.
        for (int start = 0; start < rows; start += 64)
        {
            int n = Math.Min(64, rows - start);
            teacher.Learn(features.AsSpan(start * FeatureCount, n * FeatureCount), n, labels.AsSpan(start, n));
        }
        return (probabilities, predicted);
    }

    public float[] SoftTargets(float[] features, int rows, double temperature) => teacher.SoftTargets(features, rows, temperature);

    // Its replay buffer holds the students' noisy labels, not its own view of them: no warm start from it.
    public (float[] Features, int[] Labels)? PseudoLabeled(int rows) => null;

    public byte[] Snapshot() => teacher.Snapshot();

    public void Dispose() => teacher.Dispose();
}
