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
}
