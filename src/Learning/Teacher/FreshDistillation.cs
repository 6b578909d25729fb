namespace StreamLabel.Learning.Teacher;

/// <summary>
/// Distillation on the rows a student is learning now, with the teacher's targets made before either model learned
/// them (not on replayed rows both have already fit). The targets are mixed with the student's own tempered prediction
/// by a weight w in [0, 1]: the distillation gradient T·(softmax(s/T) − q) is then exactly w times the teacher's, so w
/// scales how much the student is taught (e.g. by <see cref="TeacherAdvantage.Weight"/>) without changing its spec.
/// </summary>
public static class FreshDistillation
{
    /// <summary>
    /// A distillation batch for <paramref name="student"/>'s next <c>TestThenTrain(features, rows, labels)</c> from the
    /// teacher's class probabilities (rows × K, at temperature 1); null when <paramref name="weight"/> is 0.
    /// </summary>
    public static DistillationBatch? For(OnlineLearner student, ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels,
        ReadOnlySpan<float> teacherProbabilities, double weight, (float[] Features, float[] CleanProbabilities)? extra = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        if (!(weight >= 0 && weight <= 1)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "must be in [0, 1]");
        int k = student.Spec.ClassCount;
        if (teacherProbabilities.Length != rows * k) throw new ArgumentException($"teacherProbabilities has {teacherProbabilities.Length} values, expected rows×K = {rows}×{k}", nameof(teacherProbabilities));
        if (weight == 0) return null;
        double temperature = student.Spec.Temperature;
        var inputs = student.ModelInputs(features, rows, labels); // what the student's step will see (lagged labels included)
        var probabilities = teacherProbabilities.ToArray();
        // Extra (window) rows have no lagged label to give the student, so they join only without lagged labels.
        if (extra is { } e && !student.Spec.LaggedLabels)
        {
            int more = e.CleanProbabilities.Length / k;
            inputs = [.. inputs, .. e.Features];
            probabilities = [.. probabilities, .. e.CleanProbabilities];
            rows += more;
        }
        var targets = Temper(probabilities, rows, k, temperature);
        if (weight < 1)
        {
            var own = student.SoftTargets(inputs, rows, temperature);
            for (int i = 0; i < targets.Length; i++) targets[i] = (float)(weight * targets[i] + (1 - weight) * own[i]);
        }
        return new DistillationBatch(inputs, rows, targets);
    }

    /// <summary>
    /// The same for a learner known only by its spec and its own class probabilities (e.g. an arm of a model bank):
    /// <paramref name="ownProbabilities"/>(inputs, rows) gives them at temperature 1, tempered here to T.
    /// </summary>
    public static DistillationBatch? For(LearnerSpec spec, ReadOnlySpan<float> features, int rows, ReadOnlySpan<float> teacherProbabilities,
        double weight, (float[] Features, float[] CleanProbabilities)? extra, Func<float[], int, float[]> ownProbabilities)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(ownProbabilities);
        if (spec.LaggedLabels) throw new NotSupportedException("FreshDistillation.For(spec, …) takes learners without lagged labels");
        if (!(weight >= 0 && weight <= 1)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "must be in [0, 1]");
        int k = spec.ClassCount;
        if (teacherProbabilities.Length != rows * k) throw new ArgumentException($"teacherProbabilities has {teacherProbabilities.Length} values, expected rows×K = {rows}×{k}", nameof(teacherProbabilities));
        if (weight == 0) return null;
        float[] inputs = features.ToArray(), probabilities = teacherProbabilities.ToArray();
        if (extra is { } e)
        {
            inputs = [.. inputs, .. e.Features];
            probabilities = [.. probabilities, .. e.CleanProbabilities];
            rows += e.CleanProbabilities.Length / k;
        }
        var targets = Temper(probabilities, rows, k, spec.Temperature);
        if (weight < 1)
        {
            var own = Temper(ownProbabilities(inputs, rows), rows, k, spec.Temperature);
            for (int i = 0; i < targets.Length; i++) targets[i] = (float)(weight * targets[i] + (1 - weight) * own[i]);
        }
        return new DistillationBatch(inputs, rows, targets);
    }

    /// <summary>softmax(log p / T) per row: probabilities at temperature T (p = 0 stays 0).</summary>
    public static float[] Temper(ReadOnlySpan<float> probabilities, int rows, int classCount, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "must be > 0");
        var q = new float[rows * classCount];
        for (int r = 0; r < rows; r++)
        {
            double total = 0;
            for (int c = 0; c < classCount; c++) total += q[r * classCount + c] = (float)Math.Pow(Math.Max(0, probabilities[r * classCount + c]), 1 / temperature);
            for (int c = 0; c < classCount; c++) q[r * classCount + c] = total > 0 ? (float)(q[r * classCount + c] / total) : 1f / classCount;
        }
        return q;
    }
}
