using System.Globalization;
using System.Reflection;
using StreamLabel.Grains;

namespace StreamLabel.Specs;

/// <summary>
/// One settable field of <see cref="ModelSpec"/>, found by reflection: its name, its command-line flag, and how a text
/// value (configuration, command line) becomes its typed value. Errors name the field.
/// </summary>
public sealed class SpecField
{
    private readonly PropertyInfo _property;

    internal SpecField(PropertyInfo property)
    {
        _property = property;
        Flag = "--" + (property.GetCustomAttribute<SpecFlagAttribute>()?.Flag ?? Kebab(property.Name));
    }

    /// <summary>The property name, as configuration spells it (JSON uses its camelCase form).</summary>
    public string Name => _property.Name;

    /// <summary>The `streamlabel spec set` flag, e.g. --learning-rate.</summary>
    public string Flag { get; }

    public Type Type => _property.PropertyType;

    /// <summary>What the field accepts, for usage text: "adam|sgd", "number", "a,b,...".</summary>
    public string Accepts =>
        Type.IsEnum ? string.Join("|", Enum.GetValues(Type).Cast<object>().Select(SpecNames.NameOfBoxed))
        : Type == typeof(bool) ? "true|false"
        : Type == typeof(int) ? "integer"
        : Type == typeof(double) ? "number"
        : Type == typeof(IReadOnlyList<int>) ? "n,n,... or none"
        : Type == typeof(IReadOnlyList<string>) ? "a,b,..."
        : "name or none";

    public object? Get(ModelSpec spec) => _property.GetValue(spec);

    /// <summary>The field's value as text, in the form <see cref="Parse"/> reads ("none" for an empty list or no value).</summary>
    public string Format(ModelSpec spec) => Get(spec) switch
    {
        null => "none",
        Enum e => SpecNames.NameOfBoxed(e),
        IReadOnlyList<int> { Count: 0 } => "none",
        System.Collections.IEnumerable list and not string => string.Join(",", list.Cast<object>().Select(x => Convert.ToString(x, CultureInfo.InvariantCulture))),
        var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A copy of <paramref name="spec"/> with this field set (the original is not changed).</summary>
    public ModelSpec With(ModelSpec spec, object? value)
    {
        var copy = spec with { };
        _property.SetValue(copy, value); // the copy is new and unshared, so setting its init-only property is safe
        return copy;
    }

    /// <summary>Parses one text value (lists comma-separated); <paramref name="where"/> prefixes the error message.</summary>
    public object? Parse(string text, string where) => ParseItems(Type.IsAssignableTo(typeof(System.Collections.IEnumerable)) && Type != typeof(string)
        ? text is "" or "none" ? [] : text.Split(',', StringSplitOptions.TrimEntries) : [text], where);

    /// <summary>Parses the items of a list field (or the single item of a scalar one).</summary>
    public object? ParseItems(IReadOnlyList<string> items, string where)
    {
        if (Type == typeof(IReadOnlyList<int>)) return items.Select(x => (int)Scalar(typeof(int), x, where)!).ToArray();
        if (Type == typeof(IReadOnlyList<string>)) return items.ToArray();
        if (items.Count != 1) throw new ArgumentException($"{where}: {Name} takes one value, got {items.Count}", Name);
        return Scalar(Type, items[0], where);
    }

    private object? Scalar(Type type, string text, string where)
    {
        var c = CultureInfo.InvariantCulture;
        if (type.IsEnum) return Wrap(where, () => SpecNames.ParseBoxed(type, text, Name));
        if (type == typeof(int)) return int.TryParse(text, NumberStyles.Integer, c, out var i) ? i : Fail(where, text, "an integer");
        if (type == typeof(double)) return double.TryParse(text, NumberStyles.Float, c, out var d) ? d : Fail(where, text, "a number");
        if (type == typeof(bool))
            return text.ToLowerInvariant() switch { "true" or "yes" or "on" or "1" => true, "false" or "no" or "off" or "0" => false, _ => Fail(where, text, "true or false") };
        if (type == typeof(string)) return string.IsNullOrWhiteSpace(text) || text == "none" ? null : text;
        throw new NotSupportedException($"ModelSpec.{Name}: no text form for {type.Name}; teach SpecField.Scalar it");
    }

    private object Fail(string where, string text, string expected) =>
        throw new ArgumentException($"{where}: {Name} must be {expected} (got '{text}')", Name);

    private object Wrap(string where, Func<object> parse)
    {
        try { return parse(); }
        catch (ArgumentException e) { throw new ArgumentException($"{where}: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}", Name, e); }
    }

    private static string Kebab(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(ch) : ch.ToString()));
}
