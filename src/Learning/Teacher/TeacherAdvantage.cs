namespace StreamLabel.Learning.Teacher;

/// <summary>
/// How far a teacher has proven better than a student on the last <see cref="WindowRows"/> incoming labels, as a
/// distillation weight in [0, 1]. Only rows where the two disagree carry information: a sign test on them gives
/// z = (wins − losses)/√(wins + losses). For class-conditional noise, accuracy on noisy labels is an increasing affine
/// function of clean accuracy, so winning on noisy labels means winning on clean ones. The weight is 0 up to
/// z = <see cref="ZeroAt"/> and 1 from z = <see cref="FullAt"/>.
/// </summary>
public sealed class TeacherAdvantage
{
    private readonly sbyte[] _outcomes; // +1 teacher right and student wrong, -1 the reverse, 0 otherwise
    private int _next, _count, _wins, _losses;

    public TeacherAdvantage(int windowRows = 5000, double zeroAt = 0, double fullAt = 1.5)
    {
        if (windowRows < 1) throw new ArgumentOutOfRangeException(nameof(windowRows), windowRows, "must be >= 1");
        if (!(fullAt > zeroAt)) throw new ArgumentException($"fullAt ({fullAt}) must be > zeroAt ({zeroAt})", nameof(fullAt));
        WindowRows = windowRows; ZeroAt = zeroAt; FullAt = fullAt;
        _outcomes = new sbyte[windowRows];
    }

    public int WindowRows { get; }
    public double ZeroAt { get; }
    public double FullAt { get; }

    /// <summary>Teacher accuracy minus student accuracy on the window's incoming labels (0 when empty).</summary>
    public double Advantage => _count == 0 ? 0 : (double)(_wins - _losses) / _count;

    /// <summary>The sign test's z over the window (0 when they never disagreed).</summary>
    public double Z => _wins + _losses == 0 ? 0 : (_wins - _losses) / Math.Sqrt(_wins + _losses);

    /// <summary>The distillation weight factor in [0, 1].</summary>
    public double Weight => Math.Clamp((Z - ZeroAt) / (FullAt - ZeroAt), 0, 1);

    /// <summary>Scores one batch: both models' predictions (made before learning it) against its labels (-1 = none).</summary>
    public void Add(ReadOnlySpan<int> teacherPredicted, ReadOnlySpan<int> studentPredicted, ReadOnlySpan<int> labels)
    {
        if (teacherPredicted.Length != labels.Length || studentPredicted.Length != labels.Length)
            throw new ArgumentException($"predictions ({teacherPredicted.Length}, {studentPredicted.Length}) and labels ({labels.Length}) differ in length");
        for (int r = 0; r < labels.Length; r++)
        {
            if (labels[r] < 0) continue;
            bool t = teacherPredicted[r] == labels[r], s = studentPredicted[r] == labels[r];
            sbyte outcome = (sbyte)(t && !s ? 1 : s && !t ? -1 : 0);
            if (_count == WindowRows) Count(_outcomes[_next], -1); else _count++;
            _outcomes[_next] = outcome;
            Count(outcome, 1);
            _next = (_next + 1) % WindowRows;
        }
    }

    private void Count(sbyte outcome, int delta)
    {
        if (outcome > 0) _wins += delta; else if (outcome < 0) _losses += delta;
    }
}
