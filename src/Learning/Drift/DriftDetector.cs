namespace StreamLabel.Learning.Drift;

/// <summary>
/// A change detector on a stream of numbers (here: the prequential 0/1 error on incoming labels). Label noise raises the
/// error level but keeps it stationary; a real concept change moves it, which is what these detectors react to.
/// Only increases are reported as drifts (a falling error is the model recovering, not a new concept).
/// </summary>
public abstract class DriftDetector
{
    /// <summary>"adwin" or "page-hinkley".</summary>
    public abstract string Name { get; }

    /// <summary>Observations seen since construction.</summary>
    public long Observations { get; protected set; }

    /// <summary>Drifts reported since construction.</summary>
    public long Detections { get; protected set; }

    /// <summary>Adds one observation; true when it completes a detected increase of the mean.</summary>
    public abstract bool Update(double value);

    /// <summary>Forgets the current window/statistics (counters stay).</summary>
    public abstract void Reset();

    internal abstract void Write(BinaryWriter w);

    internal abstract void Read(BinaryReader r);

    /// <summary>Adwin (δ = 0.002), Page-Hinkley (MOA defaults) or none (null).</summary>
    public static DriftDetector? Create(DriftDetectorKind kind) => kind switch
    {
        DriftDetectorKind.Adwin => new Adwin(),
        DriftDetectorKind.PageHinkley => new PageHinkley(),
        DriftDetectorKind.None => null,
        _ => throw new ArgumentException($"drift detector {kind} is not one of: adwin, page-hinkley, none", nameof(kind)),
    };
}
