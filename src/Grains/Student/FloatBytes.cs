using System.Runtime.InteropServices;

namespace StreamLabel.Grains.Student;

/// <summary>float32 arrays as bytes on the wire: Orleans copies byte[] in one block, float[] element by element.</summary>
public static class FloatBytes
{
    public static byte[] ToBytes(ReadOnlySpan<float> values) => MemoryMarshal.AsBytes(values).ToArray();

    public static float[] ToFloats(byte[] bytes)
    {
        if (bytes.Length % sizeof(float) != 0) throw new ArgumentException($"{bytes.Length} bytes is not a whole number of float32 values", nameof(bytes));
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
