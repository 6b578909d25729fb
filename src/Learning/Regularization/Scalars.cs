using TorchSharp;

namespace StreamLabel.Learning.Regularization;

/// <summary>
/// Explicit TorchSharp scalars. An implicit double→Scalar argument is a temporary whose finalizer may run while the
/// native call is still using it (seen as a random "toFloat ... Expected false to be true" crash in addcdiv_ under GC
/// pressure). Holding the scalar in a <c>using</c> variable keeps it alive until the call has returned.
/// </summary>
internal static class Scalars
{
    public static Scalar Of(double value) => value;

    /// <summary>
    /// The alpha of one-operand add/add_. TorchSharp's <c>add_(x)</c> is <c>add_(x, 1)</c> with an implicit temporary
    /// alpha that the finalizer may free mid-call (the same crash, seen in <c>add_</c> under a test run's GC); this one is
    /// rooted for the process, so it never is. Int 1, as TorchSharp's own default.
    /// </summary>
    public static readonly Scalar One = 1;
}
