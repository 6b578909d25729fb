using StreamLabel.Learning.Teacher;

namespace StreamLabel.Learning.Snapshots;

/// <summary>Writes <see cref="TeacherOptions"/> field by field (no reflection, stable order) into the teacher's snapshot;
/// a new option is appended here and raises the teacher's format version.</summary>
internal static class TeacherOptionsSerializer
{
    public static void Write(BinaryWriter w, TeacherOptions o)
    {
        w.Write(o.Members);
        w.Write(o.HiddenLayers.Length); foreach (int h in o.HiddenLayers) w.Write(h);
        w.Write(o.LearningRate); w.Write(o.WindowRows); w.Write(o.ReplayRows); w.Write(o.StepsPerBatch); w.Write(o.KeepOnDrift);
        w.Write(o.DriftDetector); w.Write(o.NoiseEstimateEvery); w.Write(o.DistillWindowRows); w.Write(o.SpreadWindows);
        w.Write(o.SelectionSharpness); w.Write(o.Seed);
    }

    public static TeacherOptions Read(BinaryReader r)
    {
        int members = r.ReadInt32();
        int layers = r.ReadInt32();
        if (layers < 0 || layers > r.BaseStream.Length / sizeof(int)) throw new InvalidDataException($"snapshot teacher options hold {layers} hidden layers");
        var hidden = new int[layers];
        for (int i = 0; i < hidden.Length; i++) hidden[i] = r.ReadInt32();
        return new TeacherOptions
        {
            Members = members, HiddenLayers = hidden, LearningRate = r.ReadDouble(), WindowRows = r.ReadInt32(), ReplayRows = r.ReadInt32(),
            StepsPerBatch = r.ReadInt32(), KeepOnDrift = r.ReadInt32(), DriftDetector = r.ReadString(), NoiseEstimateEvery = r.ReadInt32(),
            DistillWindowRows = r.ReadInt32(), SpreadWindows = r.ReadBoolean(), SelectionSharpness = r.ReadDouble(), Seed = r.ReadInt32(),
        };
    }
}
