using StreamLabel.Learning.Tuning;

namespace StreamLabel.Learning.Tests.Tuning;

/// <summary>The bandit alone, on synthetic per-arm hits: it finds a better arm, does not flap between equal ones,
/// starts over after a drift and keeps to its live-arm budget.</summary>
public sealed class ServedArmPolicyTests
{
    private static TuningOptions Options(int arms, int live = 4) => new()
    {
        Arms = Enumerable.Range(0, arms).Select(a => new TuningArm { Name = "arm" + a }).ToArray(), LiveArms = live,
    };

    // One batch of 32 labeled rows: arm a is right with probability accuracy[a], independently.
    private static bool[]?[] Batch(Random rng, double[] accuracy, ServedArmPolicy policy) =>
        accuracy.Select((p, a) => policy.IsLive(a) ? Enumerable.Range(0, 32).Select(_ => rng.NextDouble() < p).ToArray() : null).ToArray();

    [Fact]
    public void A_clearly_better_arm_is_served_after_enough_evidence_and_then_kept()
    {
        var policy = new ServedArmPolicy(Options(3));
        var rng = new Random(1);
        double[] accuracy = [0.70, 0.78, 0.72];
        long heldFrom = -1;
        for (int b = 0; b < 1500; b++)
        {
            policy.Observe(Batch(rng, accuracy, policy), 32, drift: false);
            if (policy.Held == 1 && heldFrom < 0) heldFrom = policy.Events;
            if (heldFrom >= 0) Assert.Equal(1, policy.Held); // once proven, kept
        }
        Assert.Equal(1, policy.Served);
        Assert.InRange(heldFrom, 1, 10_000);
        Assert.True(policy.Reward(1) > policy.Reward(0) && policy.Reward(1) > policy.Reward(2));
    }

    [Fact]
    public void Equal_arms_on_a_stationary_stream_change_the_served_arm_at_most_once_per_2000_events()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            var policy = new ServedArmPolicy(Options(4));
            var rng = new Random(seed);
            double[] accuracy = [0.75, 0.75, 0.75, 0.75];
            int switches = 0; // after the first 2,000 events, as the target counts them
            for (int b = 0; b < 1500; b++) // 48,000 events
                if (policy.Observe(Batch(rng, accuracy, policy), 32, drift: false) && policy.Events > 2000) switches++;
            Assert.True(switches <= 46_000 / 2000, $"seed {seed}: {switches} switches");
            Assert.True(switches <= 2, $"seed {seed}: {switches} switches between equal arms");
        }
    }

    [Fact]
    public void During_the_warm_up_the_leader_is_served_and_after_it_the_held_arm_unless_a_challenger_proved_better()
    {
        // No challenger can pass the test (it needs more disagreements than the warm-up has), so arm 0 stays held.
        var policy = new ServedArmPolicy(Options(2) with { MinEvidence = 10_000 });
        var rng = new Random(5);
        double[] accuracy = [0.60, 0.80];
        int servedLeader = 0, batches = (int)(policy.Events + new TuningOptions().WarmupEvents) / 32;
        for (int b = 0; b < batches; b++)
        {
            policy.Observe(Batch(rng, accuracy, policy), 32, drift: false);
            if (policy.Events < new TuningOptions().WarmupEvents && policy.Served == 1) servedLeader++;
        }
        Assert.True(servedLeader >= batches / 2, $"the better arm was served in {servedLeader} of {batches} warm-up batches");
        policy.Observe(Batch(rng, accuracy, policy), 32, drift: false);
        Assert.True(policy.Events >= new TuningOptions().WarmupEvents);
        Assert.Equal(0, policy.Held);
        Assert.Equal(0, policy.Served);
    }

    [Fact]
    public void A_drift_clears_the_evidence_so_the_arm_that_fits_the_new_concept_takes_over()
    {
        var policy = new ServedArmPolicy(Options(2));
        var rng = new Random(3);
        for (int b = 0; b < 400; b++) policy.Observe(Batch(rng, [0.80, 0.70], policy), 32, drift: false);
        Assert.Equal(0, policy.Served);
        Assert.NotEqual(0, policy.Score(1));
        policy.Observe(Batch(rng, [0.5, 0.5], policy), 32, drift: true);
        Assert.Equal(0, policy.Score(1));
        for (int b = 0; b < 400; b++) policy.Observe(Batch(rng, [0.65, 0.80], policy), 32, drift: false);
        Assert.Equal(1, policy.Served);
    }

    [Fact]
    public void Beyond_the_budget_the_worst_arms_pause_and_a_drift_wakes_them()
    {
        var policy = new ServedArmPolicy(Options(5, live: 3));
        var rng = new Random(4);
        double[] accuracy = [0.75, 0.60, 0.76, 0.55, 0.74];
        for (int b = 0; b < 100; b++) policy.Observe(Batch(rng, accuracy, policy), 32, drift: false);
        Assert.Equal([true, false, true, false, true], Enumerable.Range(0, 5).Select(policy.IsLive).ToArray());
        policy.Observe(Batch(rng, accuracy, policy), 32, drift: true);
        Assert.All(Enumerable.Range(0, 5), a => Assert.True(policy.IsLive(a)));
    }

    [Theory]
    [InlineData(nameof(TuningOptions.LiveArms))]
    [InlineData(nameof(TuningOptions.HalfLifeEvents))]
    [InlineData(nameof(TuningOptions.SwitchScore))]
    [InlineData(nameof(TuningOptions.Arms))]
    public void Bad_options_name_their_field(string field)
    {
        var bad = field switch
        {
            nameof(TuningOptions.LiveArms) => new TuningOptions { LiveArms = 0 },
            nameof(TuningOptions.HalfLifeEvents) => new TuningOptions { HalfLifeEvents = double.NaN },
            nameof(TuningOptions.SwitchScore) => new TuningOptions { SwitchScore = -1 },
            _ => new TuningOptions { Arms = [new TuningArm { Name = "a" }, new TuningArm { Name = "a" }] },
        };
        var e = Assert.Throws<ArgumentException>(() => bad.Validate());
        Assert.Equal(field, e.ParamName);
        Assert.Contains("TuningOptions." + field, e.Message);
    }
}
