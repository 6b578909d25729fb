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
    // Outcomes, 2 bits each (Win, Loss or neither), grown on demand up to the window: a teacher grain keeps one of
    // these per student key, and most keys of a large group are idle (a full 5,000-row window is 1,250 bytes).
    private const int Win = 1, Loss = 2, FirstBytes = 16;
    private byte[] _outcomes;
    private int _next, _count, _wins, _losses;

    public TeacherAdvantage(int windowRows = 5000, double zeroAt = 0, double fullAt = 1.5)
    {
        if (windowRows < 1) throw new ArgumentOutOfRangeException(nameof(windowRows), windowRows, "must be >= 1");
        if (!(fullAt > zeroAt)) throw new ArgumentException($"fullAt ({fullAt}) must be > zeroAt ({zeroAt})", nameof(fullAt));
        WindowRows = windowRows; ZeroAt = zeroAt; FullAt = fullAt;
        _outcomes = new byte[Math.Min(FirstBytes, (windowRows + 3) / 4)];
    }

    public int WindowRows { get; }
    public double ZeroAt { get; }
    public double FullAt { get; }

    /// <summary>Bytes the outcome window holds now (grows with the rows scored, at most WindowRows/4 rounded up).</summary>
    internal int BytesHeld => _outcomes.Length;

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
            int outcome = t && !s ? Win : s && !t ? Loss : 0;
            if (_count == WindowRows) Count(Get(_next), -1);
            else
            {
                // Until the window is full the ring only appends (_next == _count), so growing keeps every position.
                if (_count / 4 == _outcomes.Length) Array.Resize(ref _outcomes, Math.Min(2 * _outcomes.Length, (WindowRows + 3) / 4));
                _count++;
            }
            Set(_next, outcome);
            Count(outcome, 1);
            _next = (_next + 1) % WindowRows;
        }
    }

    private int Get(int i) => (_outcomes[i >> 2] >> ((i & 3) << 1)) & 3;

    private void Set(int i, int outcome)
    {
        int shift = (i & 3) << 1;
        _outcomes[i >> 2] = (byte)((_outcomes[i >> 2] & ~(3 << shift)) | (outcome << shift));
    }

    private void Count(int outcome, int delta)
    {
        if (outcome == Win) _wins += delta; else if (outcome == Loss) _losses += delta;
    }
}
