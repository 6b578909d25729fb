using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Model;

/// <summary>
/// Tensors filled from spans without a managed copy. <c>torch.tensor(array)</c> clones the array and keeps the clone
/// pinned until the native tensor is freed: one garbage array per call, pinned in the youngest generation. Here the
/// values are copied straight into a fresh CPU tensor's storage, so callers can keep their arrays as reusable scratch.
/// </summary>
internal static class HostTensors
{
    public static Tensor Of(ReadOnlySpan<float> values, Device device) => Of(values, [values.Length], ScalarType.Float32, device);

    public static Tensor Of(ReadOnlySpan<float> values, ReadOnlySpan<long> shape, Device device) => Of(values, shape, ScalarType.Float32, device);

    public static Tensor Of(ReadOnlySpan<long> values, Device device) => Of(values, [values.Length], ScalarType.Int64, device);

    private static Tensor Of<T>(ReadOnlySpan<T> values, ReadOnlySpan<long> shape, ScalarType dtype, Device device) where T : unmanaged
    {
        var t = empty(shape, dtype);
        MemoryMarshal.AsBytes(values).CopyTo(t.bytes);
        return device.type == DeviceType.CPU ? t : t.to(device);
    }

    /// <summary>Copies a float tensor's values into <paramref name="destination"/> (exactly its element count).</summary>
    public static void CopyTo(Tensor t, Span<float> destination)
    {
        using var host = t.cpu().contiguous();
        MemoryMarshal.Cast<byte, float>(host.bytes).CopyTo(destination);
    }
}
