using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Tests;

/// <summary>TorchSharp's native library loads and trains in the test process (on Debian 12 only thanks to the build fix).</summary>
public sealed class TorchSharpRuntimeTests
{
    [Fact]
    public void A_training_step_runs_and_lowers_the_loss()
    {
        torch.manual_seed(7);
        using var scope = torch.NewDisposeScope();
        var model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2));
        var optimizer = optim.Adam(model.parameters(), lr: 0.05);
        var x = torch.randn(64, 4);
        var y = (x[.., 0] > 0).to(ScalarType.Int64); // a learnable rule

        float first = 0, last = 0;
        for (int step = 0; step < 50; step++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(x), y);
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.ToSingle();
            last = loss.ToSingle();
        }
        Assert.True(float.IsFinite(last));
        Assert.True(last < first * 0.5f, $"loss went from {first} to {last}");
    }
}
