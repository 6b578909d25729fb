namespace StreamLabel.Learning.Tests.Support;

/// <summary>
/// Reads the weight and Adam moment tensors out of an OnlineLearner snapshot (format 1) by its documented layout:
/// magic, format, spec fields, parameter count, each (n, n floats), steps, moment-pair count, each (m, v).
/// </summary>
internal static class SnapshotParameters
{
    public static (float[][] Parameters, long Steps, float[][] Moments) Read(byte[] snapshot)
    {
        using var r = new BinaryReader(new MemoryStream(snapshot));
        r.ReadInt32(); Assert.Equal(1, r.ReadInt32());
        r.ReadInt32(); r.ReadInt32();
        int hidden = r.ReadInt32();
        for (int i = 0; i < hidden; i++) r.ReadInt32();
        r.ReadString(); r.ReadDouble(); r.ReadDouble(); r.ReadDouble(); r.ReadString(); // optimizer, lr, wd, smoothing, convention
        r.ReadBoolean(); for (int i = 0; i < 5; i++) r.ReadDouble();                   // self-correction
        r.ReadString(); r.ReadDouble(); r.ReadDouble(); r.ReadDouble(); r.ReadInt32(); r.ReadString(); // detector .. device
        var parameters = new float[r.ReadInt32()][];
        for (int i = 0; i < parameters.Length; i++) parameters[i] = Floats(r);
        long steps = r.ReadInt64();
        var moments = new float[2 * r.ReadInt32()][];
        for (int i = 0; i < moments.Length; i++) moments[i] = Floats(r);
        return (parameters, steps, moments);
    }

    private static float[] Floats(BinaryReader r)
    {
        var values = new float[r.ReadInt32()];
        for (int i = 0; i < values.Length; i++) values[i] = r.ReadSingle();
        return values;
    }
}
