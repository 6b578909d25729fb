namespace StreamLabel.Specs;

/// <summary>The `streamlabel spec set` flag of a spec field whose flag is not its kebab-case name (kept short where
/// operators already type it: --features, --classes, --hidden).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SpecFlagAttribute(string flag) : Attribute
{
    public string Flag { get; } = flag;
}
