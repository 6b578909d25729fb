using StreamLabel.Grains.Student;

namespace StreamLabel.Grains.Specs;

/// <summary>
/// Checks a spec before a model is built from it; messages name where the spec came from and the bad field. The rules
/// are the spec's own (<see cref="ModelSpec.Validate"/>); building the learner's spec checks what only it knows.
/// </summary>
public static class ModelSpecValidator
{
    public static void ThrowIfInvalid(ModelSpec spec, string where = "spec")
    {
        spec.Validate(where);
        try
        {
            LearnerSpecs.ForStudent(spec, key: "");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{where}: {e.Message}", e.ParamName, e);
        }
    }
}
