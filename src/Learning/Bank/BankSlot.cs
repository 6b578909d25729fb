using StreamLabel.Learning.Model;

namespace StreamLabel.Learning.Bank;

/// <summary>
/// One student in a <see cref="ModelBank"/>: its spec (own seed), version and all plain C# state (standardizer,
/// maturity, loss reference, drift detector, metrics, counters); its weights and Adam moments are rows of the bank's
/// stacked tensors. Read its properties only while no step of this slot is running (the owner awaits its steps).
/// </summary>
public sealed class BankSlot
{
    internal BankSlot(int index, LearnerSpec spec, string device)
    {
        Index = index;
        Spec = spec;
        Device = device;
        Standardizer = new FeatureStandardizer(spec.FeatureCount);
        State = new LearnerState(spec);
    }

    /// <summary>Row of the bank's stacked tensors; reused by a later slot once this one is removed.</summary>
    public int Index { get; }

    public LearnerSpec Spec { get; }

    /// <summary>"cuda" or "cpu": the device the bank's tensors live on.</summary>
    public string Device { get; }

    /// <summary>Model version = learning steps applied (the slot's own optimizer step count).</summary>
    public long Version => Steps;

    public LearnerCounters Counters => State.Counters(Version);

    /// <summary>Prequential accuracy on the given labels (cumulative and last 500).</summary>
    public PrequentialMetrics Metrics => State.Metrics;

    /// <summary>Maturity in [0, 1) since the last drift.</summary>
    public double Maturity => State.Maturity.Value;

    /// <summary>Global trust g of self-correction now (0 when it is disabled).</summary>
    public double GlobalTrust => State.GlobalTrust;

    /// <summary>False once the slot was removed from its bank.</summary>
    public bool Live { get; internal set; } = true;

    internal long Steps { get; set; }
    internal FeatureStandardizer Standardizer { get; }
    internal LearnerState State { get; }
}
