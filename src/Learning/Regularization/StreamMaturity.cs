namespace StreamLabel.Learning.Regularization;

/// <summary>
/// How much the model has seen of the current concept: m = 1 - exp(-n/τ), n = labeled events learned since the last
/// reset. A drift resets it, so the global trust of self-correction drops and new labels are believed again.
/// </summary>
public sealed class StreamMaturity(double tau)
{
    public double Tau { get; } = tau > 0 ? tau : throw new ArgumentOutOfRangeException(nameof(tau), tau, "must be > 0");

    /// <summary>Labeled events learned since the last reset.</summary>
    public long EventsSinceReset { get; private set; }

    public double Value => 1.0 - Math.Exp(-EventsSinceReset / Tau);

    public void Advance(long events) => EventsSinceReset += events;

    public void Reset() => EventsSinceReset = 0;

    internal void Write(BinaryWriter w) => w.Write(EventsSinceReset);

    internal void Read(BinaryReader r) => EventsSinceReset = r.ReadInt64();
}
