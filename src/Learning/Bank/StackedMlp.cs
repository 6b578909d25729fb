using static TorchSharp.torch;

namespace StreamLabel.Learning.Bank;

/// <summary>
/// The MLP of a <see cref="ModelBank"/> over stacked slots ([P, …] per parameter) with its backward written out:
/// autograd would record some thirty nodes per step and walk them, which for a model this small costs more than the
/// products; a step already has the loss gradient on the logits in closed form, so the weight gradients are a few
/// batched matrix products. Run under no_grad.
/// </summary>
internal static class StackedMlp
{
    /// <summary>
    /// Logits [P, R, K] of inputs [P, R, F]: x·Wᵀ + b per slot, ReLU between layers. <paramref name="layerInputs"/>
    /// (one per layer, or null) receives each layer's input, as <see cref="Backward"/> needs them.
    /// </summary>
    public static Tensor Forward(Tensor x, Tensor[] parameters, Tensor[]? layerInputs = null)
    {
        for (int i = 0; i < parameters.Length; i += 2)
        {
            if (layerInputs is not null) layerInputs[i / 2] = x;
            // TorchSharp 0.107: batch1.baddbmm(batch2, input) = input + batch1·batch2 (not PyTorch's argument order).
            x = x.baddbmm(parameters[i].transpose(1, 2), parameters[i + 1].unsqueeze(1));
            if (i + 2 < parameters.Length) x = nn.functional.relu(x);
        }
        return x;
    }

    /// <summary>
    /// The gradients [P, all parameters] (W0, b0, W1, b1, … flattened per slot, as <see cref="SlotBuffer"/> lays
    /// them out) of a gradient on the logits [P, R, K], from the layer inputs <see cref="Forward"/> kept.
    /// </summary>
    public static Tensor Backward(Tensor gradient, Tensor[] parameters, Tensor[] layerInputs)
    {
        long P = gradient.shape[0];
        var grads = new Tensor[parameters.Length];
        var g = gradient;
        for (int l = layerInputs.Length - 1; l >= 0; l--)
        {
            var input = layerInputs[l];
            var w = parameters[2 * l];
            // dW [P, out, in] = gᵀ·input. MKL's batched product is several times slower when the product's last
            // dimension is the small one, so the wider side goes last (autograd forms inputᵀ·g and transposes).
            grads[2 * l] = w.shape[2] >= w.shape[1]
                ? g.transpose(1, 2).bmm(input).view(P, -1)
                : input.transpose(1, 2).bmm(g).transpose(1, 2).reshape(P, -1);
            grads[2 * l + 1] = g.sum(1); // db [P, out]
            if (l == 0) break;
            // Through the ReLU before this layer (its output is this layer's input): the gradient passes where the
            // output is > 0. sign() of an output ≥ 0 is that mask as 0/1; comparisons to a bool mask cost ~10x more here.
            g = g.bmm(w).mul_(input.sign());
        }
        return cat(grads, 1);
    }
}
