using StreamLabel.Learning.Teacher;

namespace StreamLabel.Grains.Teacher;

/// <summary>
/// The learning core's ensemble teacher as a group's model: members of several memories over a long window, weighted
/// by their accuracy on incoming labels, with a noise-transition estimate, so its soft targets are for the clean class
/// (<see cref="NoiseTransition.Clean"/>) rather than an echo of the noisy labels.
/// </summary>
internal sealed class EnsembleGroupTeacher(EnsembleTeacher teacher) : IGroupTeacher
{
    public string Kind => "ensemble";
    public string Device => teacher.Device;
    public int FeatureCount => teacher.FeatureCount;
    public int ClassCount => teacher.ClassCount;
    public long SamplesLearned => teacher.Labeled;
    public int Version => (int)Math.Min(int.MaxValue, teacher.Labeled);

    public (float[] Probabilities, int[] Predicted) PredictThenLearn(float[] features, int rows, int[] labels, double temperature)
    {
        var step = teacher.TestThenTrain(features, rows, labels); // predicts every row before learning the batch
        return (FreshDistillation.Temper(step.CleanProbabilities, rows, ClassCount, temperature), step.Predicted);
    }

    public float[] SoftTargets(float[] features, int rows, double temperature) =>
        FreshDistillation.Temper(teacher.Noise.Clean(teacher.PredictProbabilities(features, rows), rows), rows, ClassCount, temperature);

    public (float[] Features, int[] Labels)? PseudoLabeled(int rows) => teacher.PseudoLabeled(rows);

    public byte[] Snapshot() => teacher.Snapshot();

    public void Dispose() => teacher.Dispose();
}
