using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Regularization;

/// <summary>
/// Hinton et al. (2015): L = a·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1-a)·CE(smoothed hard target, s).
/// KL is averaged over the batch (PyTorch "batchmean") and computed from log_softmax, so it stays finite for logits of
/// any scale. T² keeps the gradient scale independent of T. The teacher's targets are never smoothed.
/// </summary>
public static class DistillationLoss
{
    /// <summary>The teacher's soft targets softmax(teacherLogits/T).</summary>
    public static Tensor TeacherTargets(Tensor teacherLogits, double temperature)
    {
        using var t = Scalars.Of(temperature);
        return nn.functional.softmax(teacherLogits.div(t), 1);
    }

    /// <summary>T²·batchmean KL(softmax(t/T) ‖ softmax(s/T)) from teacher logits.</summary>
    public static Tensor FromLogits(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        using var t = Scalars.Of(temperature);
        var logTeacher = nn.functional.log_softmax(teacherLogits.div(t), 1);
        return Kl(studentLogits, logTeacher.exp(), logTeacher, temperature).mean();
    }

    /// <summary>
    /// The same from teacher probabilities already at temperature T (e.g. shipped by a teacher grain). Zero
    /// probabilities contribute 0 (0·log 0 = 0).
    /// </summary>
    public static Tensor FromProbabilities(Tensor studentLogits, Tensor teacherProbabilities, double temperature) =>
        PerSampleFromProbabilities(studentLogits, teacherProbabilities, temperature).mean();

    /// <summary>
    /// T²·KL(q_i ‖ softmax(s_i/T)) per row [n]: the rows of <see cref="FromProbabilities"/> before the batch mean, so
    /// one call serves replayed rows of many learners, each averaged over its own rows.
    /// </summary>
    public static Tensor PerSampleFromProbabilities(Tensor studentLogits, Tensor teacherProbabilities, double temperature)
    {
        using var tiny = Scalars.Of(1e-30);
        var logTeacher = teacherProbabilities.clamp_min(tiny).log();
        return Kl(studentLogits, teacherProbabilities, logTeacher, temperature);
    }

    /// <summary>
    /// The same with T per row [n] (<paramref name="temperaturePerRow"/>, each &gt; 0): replayed rows of learners with
    /// different temperatures in one call.
    /// </summary>
    public static Tensor PerSampleFromProbabilities(Tensor studentLogits, Tensor teacherProbabilities, Tensor temperaturePerRow)
    {
        using var tiny = Scalars.Of(1e-30);
        var logTeacher = teacherProbabilities.clamp_min(tiny).log();
        var logStudent = nn.functional.log_softmax(studentLogits.div(temperaturePerRow.unsqueeze(1)), 1);
        return teacherProbabilities.mul(logTeacher.sub(logStudent)).sum(1).mul_(temperaturePerRow.square());
    }

    /// <summary>a·KD + (1-a)·CE(hardTargets, s): the full Hinton loss on one batch (hard targets already smoothed).</summary>
    public static Tensor Total(Tensor studentLogits, Tensor hardTargets, Tensor teacherLogits, double temperature, double alpha)
    {
        using var a = Scalars.Of(alpha);
        using var rest = Scalars.Of(1 - alpha);
        return FromLogits(studentLogits, teacherLogits, temperature).mul(a).add(SoftTargetLoss.Mean(studentLogits, hardTargets).mul(rest), Scalars.One);
    }

    // T²·KL per row [n]; callers take the batch mean ("batchmean").
    private static Tensor Kl(Tensor studentLogits, Tensor teacher, Tensor logTeacher, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be > 0");
        using var t = Scalars.Of(temperature);
        using var scale = Scalars.Of(temperature * temperature);
        var logStudent = nn.functional.log_softmax(studentLogits.div(t), 1);
        return teacher.mul(logTeacher.sub(logStudent)).sum(1).mul_(scale);
    }
}
