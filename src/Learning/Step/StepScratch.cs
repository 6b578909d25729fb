namespace StreamLabel.Learning.Step;

/// <summary>
/// Arrays a <see cref="LearningStep"/> (and a bank's gathering of slots) fills and turns into tensors: padded inputs,
/// row and slot indices. Kept from step to step instead of allocated per step, since their size follows the rows of a
/// step. Grown by doubling, never shrunk (bounded by the largest step). One owner thread.
/// </summary>
internal sealed class StepScratch<T>(int arrays)
{
    private readonly T[][] _arrays = Enumerable.Repeat(Array.Empty<T>(), arrays).ToArray();

    /// <summary>Array <paramref name="which"/> as a span of <paramref name="length"/> values; the contents are those of
    /// the last use (clear what must start at zero).</summary>
    public Span<T> Get(int which, int length)
    {
        ref var a = ref _arrays[which];
        if (a.Length < length) a = new T[Math.Max(length, a.Length * 2)];
        return a.AsSpan(0, length);
    }
}
