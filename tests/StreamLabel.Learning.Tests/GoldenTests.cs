using System.Text.Json;
using StreamLabel.Learning.Regularization;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Tests;

/// <summary>
/// Every case of every tests/golden/*.json against PyTorch's values: smoothed targets (both conventions), soft-target
/// cross-entropy, Hinton distillation and the gradient of the total, ProSelfLC trust and corrected targets.
/// float64 at 1e-9; float32 at the README's float32 tolerances.
/// </summary>
public sealed class GoldenTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "golden");

    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var file in Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            int count = Load(file).GetProperty("cases").GetArrayLength();
            for (int i = 0; i < count; i++)
                foreach (var dtype in (string[])["float64", "float32"]) data.Add(Path.GetFileName(file), i, dtype);
        }
        return data;
    }

    [Fact]
    public void The_golden_folder_holds_cases()
    {
        Assert.NotEmpty(Directory.GetFiles(Folder, "*.json"));
        Assert.True(Cases().Count >= 2 * 72, "expected at least the 72 shipped PyTorch cases, in two dtypes");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_pytorch(string file, int index, string dtypeName)
    {
        var c = Load(Path.Combine(Folder, file)).GetProperty("cases")[index];
        var dtype = dtypeName == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        var (lossTol, gradTol) = dtype == ScalarType.Float64 ? (new Tol(1e-9, 1e-9), new Tol(1e-9, 1e-9)) : (new Tol(1e-4, 1e-5), new Tol(0, 1e-4));
        int n = c.GetProperty("n").GetInt32(), k = c.GetProperty("k").GetInt32();
        double eps = c.GetProperty("epsilon").GetDouble(), T = c.GetProperty("temperature").GetDouble(), alpha = c.GetProperty("alpha").GetDouble();

        using var scope = NewDisposeScope();
        var s = Matrix(c, "student_logits", dtype);
        var t = Matrix(c, "teacher_logits", dtype);
        var y = tensor(c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt64()).ToArray());

        var tu = LabelSmoothing.Targets(y, k, eps, SmoothingConvention.Uniform, dtype);
        var to = LabelSmoothing.Targets(y, k, eps, SmoothingConvention.Others, dtype);
        Close(c, "targets_uniform", tu, lossTol);
        Close(c, "targets_others", to, lossTol);
        Close(c, "ce_uniform", SoftTargetLoss.Mean(s, tu).ToDouble(), lossTol);
        Close(c, "ce_others", SoftTargetLoss.Mean(s, to).ToDouble(), lossTol);
        Close(c, "kd", DistillationLoss.FromLogits(s, t, T).ToDouble(), lossTol);
        // The probability form (what a teacher grain ships) must agree with the logit form.
        Close(c, "kd", DistillationLoss.FromProbabilities(s, DistillationLoss.TeacherTargets(t, T), T).ToDouble(),
            dtype == ScalarType.Float64 ? new Tol(1e-9, 1e-9) : lossTol, "kd (from probabilities)");

        var sg = s.detach().clone().requires_grad_(true);
        var total = DistillationLoss.Total(sg, tu, t, T, alpha);
        Close(c, "total", total.ToDouble(), lossTol);
        total.backward();
        Close(c, "grad_total", sg.grad!, gradTol);

        double progress = c.GetProperty("step").GetDouble() / c.GetProperty("horizon").GetDouble();
        double g = SelfCorrection.GlobalTrust(progress, c.GetProperty("exp_base").GetDouble());
        Close(c, "global_trust", g, new Tol(1e-12, 1e-12));
        var logp = nn.functional.log_softmax(s, 1);
        var trust = SelfCorrection.ExampleTrust(logp, g);
        Close(c, "example_trust", trust, lossTol);
        var onehot = nn.functional.one_hot(y, k).to(dtype);
        Close(c, "corrected_targets", SelfCorrection.Correct(onehot, logp.exp(), trust), lossTol);
    }

    private readonly record struct Tol(double Relative, double Absolute);

    private static JsonElement Load(string file) => JsonDocument.Parse(File.ReadAllText(file)).RootElement;

    private static Tensor Matrix(JsonElement c, string name, ScalarType dtype)
    {
        var rows = c.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]).to(dtype);
    }

    private static void Close(JsonElement c, string name, double actual, Tol tol, string? label = null) =>
        Check(label ?? name, actual, c.GetProperty(name).GetDouble(), tol);

    private static void Close(JsonElement c, string name, Tensor actual, Tol tol)
    {
        var expected = c.GetProperty(name);
        var values = actual.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var flat = expected.ValueKind == JsonValueKind.Array && expected[0].ValueKind == JsonValueKind.Array
            ? expected.EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToArray()
            : expected.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(flat.Length, values.Length);
        for (int i = 0; i < flat.Length; i++) Check($"{name}[{i}]", values[i], flat[i], tol);
    }

    private static void Check(string name, double actual, double expected, Tol tol)
    {
        double diff = Math.Abs(actual - expected);
        Assert.True(double.IsFinite(actual), $"{name}: not finite ({actual})");
        Assert.True(diff <= tol.Absolute || diff <= tol.Relative * Math.Abs(expected),
            $"{name}: {actual:R} vs PyTorch {expected:R} (diff {diff:E2})");
    }
}
