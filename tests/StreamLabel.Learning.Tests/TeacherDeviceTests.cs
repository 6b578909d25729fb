using StreamLabel.Learning.Model;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// A teacher configured for CUDA (Teacher:Device "cuda" or "auto") on a machine where TorchSharp sees no GPU runs on
/// the CPU and learns exactly what a CPU teacher learns: the GPU tier's configuration is safe on any silo.
/// </summary>
public sealed class TeacherDeviceTests
{
    [Fact]
    public void Device_names_resolve_to_a_device_torch_has()
    {
        bool gpu = TorchSharp.torch.cuda.is_available();
        TorchDevice.Resolve("cpu", out var cpu);
        TorchDevice.Resolve("cuda", out var cuda);
        TorchDevice.Resolve("auto", out var auto);
        Assert.Equal("cpu", cpu);
        Assert.Equal(gpu ? "cuda" : "cpu", cuda);
        Assert.Equal(gpu ? "cuda" : "cpu", auto);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("auto")]
    public void A_teacher_asked_for_CUDA_without_a_GPU_runs_on_the_CPU_like_a_CPU_teacher(string requested)
    {
        if (TorchSharp.torch.cuda.is_available())
            Assert.Fail("this machine has a GPU: bench/gpu/teacher-cuda-check.sh compares the devices there");
        var spec = ReplayTeacher.DefaultSpecFor(new LearnerSpec { FeatureCount = 4, ClassCount = 3, Seed = 11 });
        using var reference = new ReplayTeacher(spec with { Device = "cpu" }, 500);
        using var teacher = new ReplayTeacher(spec with { Device = requested }, 500);
        Assert.Equal("cpu", teacher.Learner.Device);

        var random = new Random(5);
        for (int step = 0; step < 20; step++)
        {
            var x = Enumerable.Range(0, 32 * 4).Select(_ => (float)random.NextDouble()).ToArray();
            var y = Enumerable.Range(0, 32).Select(i => x[i * 4] > 0.5f ? 1 : x[i * 4 + 1] > 0.5f ? 2 : 0).ToArray();
            Assert.Equal(reference.Learn(x, 32, y).Predicted, teacher.Learn(x, 32, y).Predicted);
        }
        var probe = Enumerable.Range(0, 16 * 4).Select(_ => (float)random.NextDouble()).ToArray();
        Assert.Equal(reference.SoftTargets(probe, 16, 2), teacher.SoftTargets(probe, 16, 2));
        Assert.Equal(reference.SampleDistillationBatch(64, 2)!.TeacherProbabilities, teacher.SampleDistillationBatch(64, 2)!.TeacherProbabilities);
    }
}
