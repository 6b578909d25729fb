using StreamLabel.Bench.Throughput;
using StreamLabel.Grains;
using StreamLabel.Grains.Student;
using StreamLabel.Learning;
using StreamLabel.Learning.Bank;

namespace StreamLabel.Bench.Bank;

/// <summary>
/// Bytes per student of the learning core alone (managed + native malloc heap, as the throughput bench measures idle
/// students): M OnlineLearners versus M slots of one ModelBank, each after one learning step (so gradients and Adam
/// moments exist), kept alive while measured.
/// </summary>
public static class StudentMemory
{
    public static (double Learner, double Slot) BytesPerStudent(SyntheticStream stream, ModelSpec spec, int students)
    {
        int f = stream.FeatureCount;
        var x = stream.Features.AsMemory(0, 8 * f);
        var y = stream.Labels.AsMemory(0, 8);
        var specs = Enumerable.Range(0, students).Select(i => LearnerSpecs.ForStudent(spec, SyntheticStream.Key(i))).ToArray();

        var (m0, n0) = IdleStudentMemory.Sample();
        var learners = specs.Select(s => new OnlineLearner(s)).ToArray();
        foreach (var l in learners) l.TestThenTrain(x.Span, 8, y.Span);
        var (m1, n1) = IdleStudentMemory.Sample();
        double learner = ((m1 - m0) + (n1 - n0)) / (double)students;
        foreach (var l in learners) l.Dispose();
        GC.KeepAlive(learners);

        var (m2, n2) = IdleStudentMemory.Sample();
        var bank = new ModelBank(specs[0]);
        var slots = specs.Select(bank.Add).ToArray();
        for (int start = 0; start < students; start += 64) // steps of 64 slots: one step each
            bank.TestThenTrain(slots.Skip(start).Take(64).Select(s => new BankStep(s, x, 8, y)).ToArray());
        var (m3, n3) = IdleStudentMemory.Sample();
        double slot = ((m3 - m2) + (n3 - n2)) / (double)students;
        Console.WriteLine($"  memory: {students} OnlineLearners {learner:N0} B each; {students} bank slots {slot:N0} B each (bank capacity {bank.Capacity})");
        bank.Dispose();
        return (learner, slot);
    }
}
