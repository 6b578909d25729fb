using System.Globalization;

namespace StreamLabel.Bench;

/// <summary>
/// The bench commands' `--name value` options, read in order. Errors are <see cref="ArgumentException"/>s that name the
/// option and the bad value, so each command prints them with its help.
/// </summary>
internal sealed class BenchArgs(string[] args)
{
    private int _next;

    /// <summary>The option being read (after <see cref="MoveNext"/>).</summary>
    public string Name { get; private set; } = "";

    public bool MoveNext()
    {
        if (_next >= args.Length) return false;
        Name = args[_next++];
        return true;
    }

    /// <summary>The current option's value (the next argument).</summary>
    public string Value() => _next < args.Length ? args[_next++] : throw new ArgumentException($"{Name} needs a value");

    /// <summary>The current option's value as an integer of at least <paramref name="min"/>.</summary>
    public int Int(int min)
    {
        string v = Value();
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min)
            throw new ArgumentException($"{Name} must be an integer >= {min} (got '{v}')");
        return n;
    }

    public ArgumentException Unknown() => new($"unknown option '{Name}'");
}
