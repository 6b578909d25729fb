using Microsoft.Extensions.Options;

namespace StreamLabel.Grains.Hosting;

/// <summary>
/// The one way StreamLabel checks its options: each options class lists its problems (each naming its option), an
/// <see cref="IValidateOptions{TOptions}"/> turns them into a failure, and ValidateOnStart stops the silo at start-up
/// with all of them instead of failing later, on first use.
/// </summary>
internal sealed class OptionsProblems<TOptions>(Func<TOptions, List<string>> problems) : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var found = problems(options);
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}
