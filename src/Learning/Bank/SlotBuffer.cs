using static TorchSharp.torch;

namespace StreamLabel.Learning.Bank;

/// <summary>
/// One kind of per-slot state of a <see cref="ModelBank"/> (the weights, or one Adam moment) as one tensor
/// [capacity, total] whose row is a slot's every parameter back to back (W0, b0, W1, b1, …), with a view
/// [capacity, …shape] per parameter. A step gathers, updates and scatters whole rows, so it costs a few calls however
/// many layers the model has; snapshots, initialization and growth use the per-parameter views.
/// </summary>
internal sealed class SlotBuffer : IDisposable
{
    private readonly long[][] _shapes;
    private readonly long[] _sizes;

    public SlotBuffer(long[][] shapes, int capacity, Device device)
    {
        _shapes = shapes;
        _sizes = shapes.Select(s => s.Aggregate(1L, (a, b) => a * b)).ToArray();
        Capacity = capacity;
        // The caller may have a dispose scope open: what the buffer keeps must outlive it.
        using var scope = NewDisposeScope();
        Rows = zeros([capacity, _sizes.Sum()], device: device).DetachFromDisposeScope();
        Parameters = ViewsOf(Rows).Select(v => v.DetachFromDisposeScope()).ToArray();
    }

    /// <summary>[capacity, total]: row i is slot i's parameters, flattened and concatenated.</summary>
    public Tensor Rows { get; }

    /// <summary>Per parameter [capacity, …shape], sharing <see cref="Rows"/>' storage.</summary>
    public Tensor[] Parameters { get; }

    public int Capacity { get; }

    /// <summary>
    /// Per parameter [n, …shape] views of any rows [n, total] of this layout (e.g. gathered slots). One split, so the
    /// gradients of views made from a leaf come back as one concatenated [n, total] gradient of the leaf.
    /// </summary>
    public Tensor[] ViewsOf(Tensor rows)
    {
        long n = rows.shape[0];
        var parts = rows.split(_sizes, 1);
        var views = new Tensor[_shapes.Length];
        for (int i = 0; i < views.Length; i++)
        {
            var shape = new long[_shapes[i].Length + 1];
            shape[0] = n;
            _shapes[i].CopyTo(shape, 1);
            views[i] = parts[i].view(shape);
            parts[i].Dispose();
        }
        return views;
    }

    /// <summary>A buffer of <paramref name="capacity"/> rows holding this one's rows first; disposes this one.</summary>
    public SlotBuffer Grow(int capacity)
    {
        var grown = new SlotBuffer(_shapes, capacity, Rows.device);
        using (NewDisposeScope())
        using (no_grad())
            grown.Rows.narrow(0, 0, Capacity).copy_(Rows);
        Dispose();
        return grown;
    }

    public void Dispose()
    {
        foreach (var v in Parameters) v.Dispose();
        Rows.Dispose();
    }
}
