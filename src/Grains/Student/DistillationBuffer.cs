using StreamLabel.Learning;
using StreamLabel.Learning.Model;

namespace StreamLabel.Grains.Student;

/// <summary>
/// The student's side of distillation: a bounded ring of recent labeled feature vectors (sent to the teacher), and the
/// teacher's soft targets for the last batch it answered, replayed a few rows per step until they go stale.
/// </summary>
internal sealed class DistillationBuffer(int featureCount, int capacity, int seed)
{
    // Grown by doubling up to capacity (an idle student that saw a few events keeps a few rows, not the whole ring);
    // before the first wrap-around the rows sit in [0, _next), so growing is a plain copy.
    private float[] _ring = [];
    private int[] _labels = [];
    private int[] _predicted = []; // the student's class for the row, before it learned it
    private SplitMix64 _random = new((ulong)seed); // one word, where a seeded System.Random keeps a table per student
    private int _next, _count, _unforwarded;
    private float[]? _targetFeatures, _targetProbabilities;
    private int _targetRows, _classCount;
    // The last sample, refilled by the next one of the same size: a step's learner reads it only during the step,
    // which the student awaits before sampling again (one batch per step was ~40 B of garbage per event).
    private DistillationBatch? _sample;

    public DateTimeOffset? TargetsAt { get; private set; }
    public int? TeacherVersion { get; private set; }

    public void Add(ReadOnlySpan<float> features, int label, int predicted)
    {
        if (_next == _labels.Length && _labels.Length < capacity)
        {
            int rows = Math.Min(capacity, Math.Max(16, _labels.Length * 2));
            Array.Resize(ref _ring, rows * featureCount);
            Array.Resize(ref _labels, rows);
            Array.Resize(ref _predicted, rows);
        }
        features.CopyTo(_ring.AsSpan(_next * featureCount, featureCount));
        _labels[_next] = label;
        _predicted[_next] = predicted;
        _next = (_next + 1) % capacity;
        _count = Math.Min(_count + 1, capacity);
        _unforwarded = Math.Min(_unforwarded + 1, capacity);
    }

    /// <summary>Rows the ring has room for now (it grows as rows arrive, and is released when idle).</summary>
    internal int RowsHeld => _labels.Length;

    /// <summary>
    /// Lets go of the rows already sent to the teacher and of the last sample, once the student is idle: only a pull
    /// reads the rows, and an idle student pulls nothing until new rows arrive, while a busy key's full ring is the
    /// largest thing it keeps. The targets stay, for steps that come before they go stale. Rows not yet sent are kept.
    /// </summary>
    public void ReleaseForwarded()
    {
        if (_unforwarded > 0) return;
        (_ring, _labels, _predicted) = ([], [], []);
        _next = _count = 0;
        _sample = null;
    }

    /// <summary>Rows added since the last <see cref="TakeUnforwarded"/>.</summary>
    public int Unforwarded => _unforwarded;

    /// <summary>The buffered rows, oldest first, as one row-major array.</summary>
    public BufferedRows Snapshot() => Latest(_count);

    /// <summary>Up to <paramref name="max"/> rows added since the last call (for forwarding to the teacher).</summary>
    public BufferedRows TakeUnforwarded(int max)
    {
        var latest = Latest(Math.Min(max, _unforwarded));
        _unforwarded = 0;
        return latest;
    }

    private BufferedRows Latest(int rows)
    {
        var features = new float[rows * featureCount];
        var labels = new int[rows];
        var predicted = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            int slot = ((_next - rows + i) % capacity + capacity) % capacity;
            _ring.AsSpan(slot * featureCount, featureCount).CopyTo(features.AsSpan(i * featureCount));
            labels[i] = _labels[slot];
            predicted[i] = _predicted[slot];
        }
        return new BufferedRows(features, labels, predicted, rows);
    }

    public void SetTargets(float[] features, float[] probabilities, int rows, int classCount, int teacherVersion, DateTimeOffset at)
    {
        (_targetFeatures, _targetProbabilities, _targetRows, _classCount) = (features, probabilities, rows, classCount);
        TeacherVersion = teacherVersion;
        TargetsAt = at;
    }

    public bool IsStale(DateTimeOffset now, TimeSpan staleAfter) => TargetsAt is null || now - TargetsAt > staleAfter;

    /// <summary>A random sample of the teacher-labeled rows for one step, or null when there is none.</summary>
    public DistillationBatch? Sample(int rows)
    {
        if (_targetFeatures is null || _targetRows == 0 || rows == 0) return null;
        rows = Math.Min(rows, _targetRows);
        if (_sample is null || _sample.Rows != rows || _sample.TeacherProbabilities.Length != rows * _classCount)
            _sample = new DistillationBatch(new float[rows * featureCount], rows, new float[rows * _classCount]);
        var (features, probabilities) = (_sample.Features, _sample.TeacherProbabilities);
        for (int i = 0; i < rows; i++)
        {
            int r = _random.Next(_targetRows);
            _targetFeatures.AsSpan(r * featureCount, featureCount).CopyTo(features.AsSpan(i * featureCount));
            _targetProbabilities.AsSpan(r * _classCount, _classCount).CopyTo(probabilities.AsSpan(i * _classCount));
        }
        return _sample;
    }
}

/// <summary>Rows of the buffer: row-major features, labels, and the student's prediction of each before it learned it.</summary>
internal readonly record struct BufferedRows(float[] Features, int[] Labels, int[] Predicted, int Rows);
