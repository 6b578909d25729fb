namespace StreamLabel.Learning.Tuning;

/// <summary>
/// The bandit of a <see cref="TunedLearner"/>: discounted rewards per arm (accuracy on the incoming labels, predicted
/// before learning), which arm is served, and which arms keep learning. Every live arm is scored on every label (full
/// information, so no exploration is spent), and the served arm changes only when a challenger wins a discounted
/// paired sign test against it: one lucky batch cannot make it flap. A drift clears the test's evidence so the
/// choice is made again on the new concept. During the warm-up the arm with the best reward so far is served (young
/// arms differ most, and nothing is held long enough to flap) while the test already runs against the held arm, which
/// is served from the warm-up's end. Plain C#: the learner feeds it one batch at a time.
/// </summary>
public sealed class ServedArmPolicy
{
    private readonly TuningOptions _options;
    private readonly double _decay; // per labeled event
    private readonly double[] _hits, _weight; // discounted hits and labeled events per arm
    private readonly double[] _wins, _losses; // discounted rows where only the arm / only the served arm was right
    private readonly bool[] _live;
    private int _held; // the arm the sign test defends; served once the warm-up is over

    public ServedArmPolicy(TuningOptions options)
    {
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        int n = options.Arms.Count;
        _decay = Math.Pow(0.5, 1 / options.HalfLifeEvents);
        _hits = new double[n]; _weight = new double[n]; _wins = new double[n]; _losses = new double[n];
        _live = Enumerable.Repeat(true, n).ToArray();
    }

    /// <summary>The arm whose predictions are served: the leader during the warm-up, then the held arm.</summary>
    public int Served => Events < _options.WarmupEvents ? Leader() : _held;

    /// <summary>The arm a challenger must beat in the sign test (the first until one does).</summary>
    public int Held => _held;

    /// <summary>Changes of the served arm so far.</summary>
    public long Switches { get; private set; }

    /// <summary>Labeled events scored so far.</summary>
    public long Events { get; private set; }

    /// <summary>The labeled event count at the last change of the served arm (0 before any).</summary>
    public long LastSwitchAt { get; private set; }

    /// <summary>Whether arm <paramref name="arm"/> keeps learning (within the live-arm budget).</summary>
    public bool IsLive(int arm) => _live[arm];

    /// <summary>Discounted accuracy of an arm on the incoming labels (NaN before its first label).</summary>
    public double Reward(int arm) => _weight[arm] > 0 ? _hits[arm] / _weight[arm] : double.NaN;

    /// <summary>The sign test's standard score of an arm against the held one (0 for the held arm).</summary>
    public double Score(int arm) => arm == _held || _wins[arm] + _losses[arm] == 0 ? 0 : (_wins[arm] - _losses[arm]) / Math.Sqrt(_wins[arm] + _losses[arm]);

    /// <summary>
    /// Scores one batch: <paramref name="hit"/>[arm][j] says whether the arm's prediction of the batch's j-th labeled row
    /// (made before learning) equals its label; paused arms' rows are ignored. Returns true when the served arm
    /// changed. <paramref name="drift"/>: the served arm's detector fired on this batch.
    /// </summary>
    public bool Observe(bool[]?[] hit, int labeled, bool drift)
    {
        if (hit.Length != _hits.Length) throw new ArgumentException($"hit has {hit.Length} arms, expected {_hits.Length}", nameof(hit));
        int before = Served;
        for (int j = 0; j < labeled; j++)
        {
            bool held = hit[_held]![j];
            for (int a = 0; a < _hits.Length; a++)
            {
                if (hit[a] is not { } h) continue;
                _hits[a] = _hits[a] * _decay + (h[j] ? 1 : 0);
                _weight[a] = _weight[a] * _decay + 1;
                _wins[a] *= _decay; _losses[a] *= _decay;
                if (a == _held || h[j] == held) continue;
                if (h[j]) _wins[a] += 1; else _losses[a] += 1;
            }
        }
        Events += labeled;
        if (drift) { Array.Clear(_wins); Array.Clear(_losses); }
        if (Events >= _options.WarmupEvents) Budget(drift);
        Promote();
        if (Served == before) return false;
        Switches++;
        LastSwitchAt = Events;
        return true;
    }

    // The challenger with the best score above the switch score becomes the held arm.
    private void Promote()
    {
        int best = -1;
        double bestScore = _options.SwitchScore;
        for (int a = 0; a < _hits.Length; a++)
        {
            if (a == _held || !_live[a] || _wins[a] + _losses[a] < _options.MinEvidence) continue;
            double z = Score(a);
            if (z > bestScore) { best = a; bestScore = z; }
        }
        if (best < 0) return;
        _held = best;
        Array.Clear(_wins); Array.Clear(_losses); // the evidence was relative to the arm held before
    }

    // The live arm with the best reward so far (the held one on ties and before any label).
    private int Leader()
    {
        int best = _held;
        for (int a = 0; a < _hits.Length; a++)
            if (_live[a] && Reward(a) > Reward(best)) best = a;
        return best;
    }

    // Beyond the live-arm budget the lowest rewarded arms pause (never the held one); a drift wakes them all, since
    // the arm that fits the new concept may be one that fitted the old one badly.
    private void Budget(bool drift)
    {
        if (drift) { Array.Fill(_live, true); return; }
        int live = _live.Count(l => l);
        while (live > _options.LiveArms)
        {
            int worst = -1;
            for (int a = 0; a < _live.Length; a++)
                if (_live[a] && a != _held && (worst < 0 || Reward(a) < Reward(worst))) worst = a;
            _live[worst] = false;
            live--;
        }
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(_held); w.Write(Switches); w.Write(Events); w.Write(LastSwitchAt);
        for (int a = 0; a < _hits.Length; a++) { w.Write(_hits[a]); w.Write(_weight[a]); w.Write(_wins[a]); w.Write(_losses[a]); w.Write(_live[a]); }
    }

    internal void Read(BinaryReader r)
    {
        _held = r.ReadInt32(); Switches = r.ReadInt64(); Events = r.ReadInt64(); LastSwitchAt = r.ReadInt64();
        if (_held < 0 || _held >= _hits.Length) throw new InvalidDataException($"held arm {_held} is not one of the {_hits.Length} arms");
        for (int a = 0; a < _hits.Length; a++)
        {
            _hits[a] = r.ReadDouble(); _weight[a] = r.ReadDouble(); _wins[a] = r.ReadDouble(); _losses[a] = r.ReadDouble(); _live[a] = r.ReadBoolean();
        }
    }
}
